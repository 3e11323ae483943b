"""A place's last resort: a small process that releases it if the harness dies without doing so
(SIGKILL, an OOM kill, a closed terminal). It reads a pipe whose write end only the harness
holds; EOF means the harness is gone. It then asks the coordinator to release the place *from
the harness's identity* (ReleasePlace with fromuser: a place someone else holds by then is left
alone) and to cancel the reservation. A harness that releases normally stops the watchdog first.
"""

from __future__ import annotations

import os
import subprocess
import sys

_SCRIPT = """\
import os, sys
while os.read(0, 512):
    pass
address, place, holder, token = sys.argv[1:5]
import asyncio, grpc
from labgrid.remote.generated import labgrid_coordinator_pb2 as pb, labgrid_coordinator_pb2_grpc as rpc

async def main():
    async with grpc.aio.insecure_channel(address) as channel:
        stub = rpc.CoordinatorStub(channel)
        for call, request in ((stub.CancelReservation, pb.CancelReservationRequest(token=token)),
                              (stub.ReleasePlace, pb.ReleasePlaceRequest(placename=place, fromuser=holder))):
            try:
                await asyncio.wait_for(call(request), 10)
            except Exception:
                pass

asyncio.run(main())
"""


class ReleaseWatchdog:
    def __init__(self, address: str, place: str, holder: str, token: str):
        read_end, self._write_end = os.pipe()  # not inheritable: no other child holds the write end
        try:
            self._proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, address, place, holder, token],
                                          stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True)
        except OSError:
            os.close(self._write_end)
            raise
        finally:
            os.close(read_end)

    def stop(self) -> None:
        """The harness released the place itself: the watchdog goes without doing anything."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            os.close(self._write_end)
            self._proc = None
