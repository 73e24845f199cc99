"""Load clients spread over processes: one event loop cannot drive hundreds of
sockets on this machine without falling seconds behind, and then it measures
itself, not the server.

The parent starts ``count`` copies of a benchmark script with ``--worker``; each
runs :func:`serve_commands` with the script's own share of clients, reading one JSON
command a line from stdin and answering one JSON line on stdout, until the
command ``{"do": "close"}``. ``handoff_load.py --clients`` and
``handoff_faults.py --clients`` use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from typing import Protocol


class Share(Protocol):
    """A worker's clients: answers the parent's commands."""

    async def handle(self, command: dict) -> dict: ...


async def serve_commands(share: Share) -> None:
    """The worker's side: commands from stdin, answers to stdout, until ``close``."""
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command = json.loads(line)
        answer = await share.handle(command)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if command["do"] == "close":
            return


class ClientProcesses:
    """The parent's side: N client processes, each asked the same question at once.
    ``line_limit``: the longest answer line (a share's samples come back on one)."""

    def __init__(self, count: int, script: str = "", *, line_limit: int = 1 << 26) -> None:
        self.count = max(1, count)
        self.script = script
        self.line_limit = line_limit
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self) -> ClientProcesses:
        for _ in range(self.count):
            self.processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    self.script,
                    "--worker",
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    limit=self.line_limit,
                )
            )
        return self

    async def ask(self, number: int, command: dict) -> dict:
        process = self.processes[number]
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write((json.dumps(command) + "\n").encode())
        await process.stdin.drain()
        line = await process.stdout.readline()
        if not line:
            raise RuntimeError(f"client process {number} ended (exit {await process.wait()})")
        return dict(json.loads(line))

    async def each(self, commands: list[dict]) -> list[dict]:
        return list(await asyncio.gather(*(self.ask(n, c) for n, c in enumerate(commands))))

    async def all(self, command: dict) -> list[dict]:
        return await self.each([command] * self.count)

    def shares(self, total: int) -> list[int]:
        return [total // self.count + (n < total % self.count) for n in range(self.count)]

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.all({"do": "close"})
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            await process.wait()
