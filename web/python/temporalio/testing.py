"""Test environments over the in-browser engine.

Part of Durable Lab's browser re-implementation of the Temporal Python SDK's
public API; this is not the official SDK. The official environments start a
server of their own; here there is one engine per page, so an environment is
a client of it, and time skipping uses the engine's test-service RPCs
(SetAutoTimeSkipping, SkipTime, GetCurrentTime). Skipping moves the engine's
clock for every workflow on it, as the official time-skipping server does for
its own workflows.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, Optional, Union

from temporalio._internal import proto
from temporalio.client import Client

__all__ = ["WorkflowEnvironment"]


class WorkflowEnvironment:
    def __init__(self, client: Client, *, time_skipping: bool) -> None:
        self._client = client
        self._time_skipping = time_skipping

    @staticmethod
    async def start_time_skipping(*, namespace: str = "default", **_options: Any) -> "WorkflowEnvironment":
        """An environment whose clock jumps to the next timer whenever nothing runs."""
        client = await Client.connect("durable-lab", namespace=namespace)
        await client._call("SetAutoTimeSkipping", {"enabled": True})
        return WorkflowEnvironment(client, time_skipping=True)

    @staticmethod
    async def start_local(*, namespace: str = "default", **_options: Any) -> "WorkflowEnvironment":
        """An environment on real time."""
        return WorkflowEnvironment(await Client.connect("durable-lab", namespace=namespace), time_skipping=False)

    @staticmethod
    def from_client(client: Client) -> "WorkflowEnvironment":
        return WorkflowEnvironment(client, time_skipping=False)

    @property
    def client(self) -> Client:
        return self._client

    @property
    def supports_time_skipping(self) -> bool:
        return self._time_skipping

    async def sleep(self, duration: Union[timedelta, float]) -> None:
        """Skips the engine's clock ahead (time skipping) or really sleeps."""
        if self._time_skipping:
            await self._client._call("SkipTime", {"duration": proto.duration(duration)})
        else:
            await asyncio.sleep(proto.to_seconds(duration))

    async def get_current_time(self) -> datetime:
        response = await self._client._call("GetCurrentTime", {})
        return proto.parse_timestamp(response.get("time"))  # type: ignore[return-value]

    async def shutdown(self) -> None:
        if self._time_skipping:
            await self._client._call("SetAutoTimeSkipping", {"enabled": False})

    async def __aenter__(self) -> "WorkflowEnvironment":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.shutdown()
