"""The harness: firmware builds, the runner that drives a target, the int8/float trade-off study."""
