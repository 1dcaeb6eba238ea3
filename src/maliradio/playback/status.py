"""The player's states and its status, as the window and the command line show them: apart
from the engine, so that the window can paint before libVLC and the stream code load."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication


class State(enum.StrEnum):
    IDLE = "idle"
    CONNECTING = "connecting"
    BUFFERING = "buffering"
    PLAYING = "playing"
    RECONNECTING = "reconnecting"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Status:
    state: State = State.IDLE
    station_id: str | None = None
    station_name: str = ""
    percent: int = 0  # buffering
    attempt: int = 0  # reconnecting: the attempt about to be made
    retry_in: float = 0.0  # reconnecting: seconds until it is made
    message: str = ""  # error or reconnect reason, in plain words
    url: str = ""

    def to_json(self) -> dict[str, object]:
        d: dict[str, object] = {"event": "state", "state": self.state.value}
        if self.station_id:
            d["station"] = self.station_id
        if self.state is State.BUFFERING:
            d["percent"] = self.percent
        if self.state is State.RECONNECTING:
            d["attempt"] = self.attempt
            d["retry_in"] = round(self.retry_in, 1)
        if self.message:
            d["message"] = self.message
        if self.url:
            d["url"] = self.url
        return d

    def text(self) -> str:
        """The status line in the user's language."""
        tr = QCoreApplication.translate
        name = self.station_name
        match self.state:
            case State.IDLE:
                return tr("Player", "Choisissez une station")
            case State.CONNECTING:
                return tr("Player", "Connexion à %1…").replace("%1", name)
            case State.BUFFERING:
                return tr("Player", "Mise en mémoire tampon (%1 %)…").replace(
                    "%1", str(self.percent)
                )
            case State.PLAYING:
                return tr("Player", "En lecture : %1").replace("%1", name)
            case State.RECONNECTING:
                return (
                    tr("Player", "%1 — reconnexion, essai %2 dans %3 s")
                    .replace("%1", self.message or tr("Player", "flux interrompu"))
                    .replace("%2", str(self.attempt))
                    .replace("%3", str(max(0, round(self.retry_in))))
                )
            case State.ERROR:
                return self.message or tr("Player", "Lecture impossible")
            case State.STOPPED:
                return tr("Player", "Arrêté")
        return ""
