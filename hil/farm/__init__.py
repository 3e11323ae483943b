"""Board farms on labgrid: places reserved and acquired through a labgrid coordinator
(coordinator.py), a place's resources turned into a UART and a flashing path (place.py), and a
lab of emulated boards on 127.0.0.1 for tests and demos (lab.py). docs/farm.md."""
