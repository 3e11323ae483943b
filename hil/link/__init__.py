"""The link to a target: byte transports, the wire protocol (frames and messages), the client and the device."""
