"""Recognise real media in the first bytes of a stream: MPEG audio (MP3) or ADTS AAC frames
that follow one another, Ogg pages, MPEG transport-stream packets, MP4 boxes, FLAC.

`playlists.sniff` guesses a kind from one signature at the start; this module is stricter,
for `maliradio check`, which must tell audio that really arrives from a page, an error text or
noise with an audio Content-Type: a frame header counts only when the next frames sit exactly
where its length says (three in a row), and a transport stream needs five packets in step.
Pure functions on bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAMES_IN_A_ROW = 3
TS_PACKETS_IN_A_ROW = 5
TS_PACKET = 188


@dataclass(frozen=True)
class Media:
    codec: str  # "mp3", "aac", "opus", "vorbis", "flac", "h264+aac"...
    bitrate: int | None = None  # kbit/s, when the frames say it
    container: str | None = None  # "mpegts", "ogg", "mp4"


# -- MPEG audio (layers I-III) and ADTS AAC ---------------------------------------------------

_MPEG_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_ADTS_RATES = tuple(
    int(r)
    for r in "96000 88200 64000 48000 44100 32000 24000 22050 16000 12000 11025 8000 7350".split()
)


def _mpeg_frame(data: bytes, i: int) -> tuple[int, str, int] | None:
    """(frame length, codec, kbit/s) of an MPEG audio frame header at `i`."""
    if i + 4 > len(data) or data[i] != 0xFF or (data[i + 1] & 0xE0) != 0xE0:
        return None
    version = (data[i + 1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer = 4 - ((data[i + 1] >> 1) & 3)  # 1, 2, 3 (4: reserved, or ADTS)
    index = data[i + 2] >> 4
    rate_index = (data[i + 2] >> 2) & 3
    if version == 1 or layer == 4 or index in (0, 15) or rate_index == 3:
        return None
    kbps = _MPEG_BITRATES[(1 if version == 3 else 2, layer)][index]
    rate = _MPEG_RATES[version][rate_index]
    padding = (data[i + 2] >> 1) & 1
    if layer == 1:
        length = (12 * kbps * 1000 // rate + padding) * 4
    elif layer == 3 and version != 3:
        length = 72 * kbps * 1000 // rate + padding
    else:
        length = 144 * kbps * 1000 // rate + padding
    return length, f"mp{layer}", kbps


def _adts_frame(data: bytes, i: int) -> tuple[int, str, int] | None:
    """(frame length, "aac", rate) of an ADTS header at `i` (the rate stands for kbit/s until
    the caller averages the frames)."""
    if i + 7 > len(data) or data[i] != 0xFF or (data[i + 1] & 0xF6) != 0xF0:
        return None
    rate_index = (data[i + 2] >> 2) & 0xF
    if rate_index >= len(_ADTS_RATES):
        return None
    length = ((data[i + 3] & 0x03) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
    header = 7 if data[i + 1] & 1 else 9
    if length <= header:
        return None
    return length, "aac", _ADTS_RATES[rate_index]


def _frames(data: bytes) -> Media | None:
    """The first offset from which FRAMES_IN_A_ROW MPEG audio or ADTS frames follow."""
    limit = len(data) - 4
    i = data.find(b"\xff")
    while 0 <= i < limit:
        for reader in (_mpeg_frame, _adts_frame):
            first = reader(data, i)
            if first is None:
                continue
            pos, lengths = i, []
            for _ in range(FRAMES_IN_A_ROW):
                frame = reader(data, pos)
                if frame is None or frame[1] != first[1]:
                    break
                lengths.append(frame[0])
                pos += frame[0]
            if len(lengths) == FRAMES_IN_A_ROW:
                if first[1] == "aac":
                    average = sum(lengths) / len(lengths)
                    kbps = round(average * 8 * first[2] / 1024 / 1000)
                    return Media("aac", kbps or None)
                return Media(first[1], first[2])
        i = data.find(b"\xff", i + 1)
    return None


# -- Ogg --------------------------------------------------------------------------------------

_OGG_CODECS = (
    (b"\x01vorbis", "vorbis"),
    (b"OpusHead", "opus"),
    (b"\x7fFLAC", "flac"),
    (b"Speex   ", "speex"),
    (b"\x80theora", "theora"),
)


def _ogg(data: bytes) -> Media | None:
    i = data.find(b"OggS")
    while 0 <= i and i + 27 <= len(data):
        nsegs = data[i + 26]
        table = data[i + 27 : i + 27 + nsegs]
        if data[i + 4] == 0 and len(table) == nsegs:
            body = i + 27 + nsegs
            end = body + sum(table)
            first = data[body : body + 9]
            codec = next((name for magic, name in _OGG_CODECS if first.startswith(magic)), None)
            if codec is not None and end <= len(data):
                return Media(codec, container="ogg")
            if data[end : end + 4] == b"OggS":  # two pages in step, mid-stream
                return Media("ogg", container="ogg")
        i = data.find(b"OggS", i + 1)
    return None


# -- MPEG transport stream --------------------------------------------------------------------

_TS_STREAM_TYPES = {
    0x01: "mpeg1video",
    0x02: "mpeg2video",
    0x03: "mp3",
    0x04: "mp3",
    0x0F: "aac",
    0x11: "aac",
    0x1B: "h264",
    0x24: "hevc",
    0x81: "ac3",
    0x87: "eac3",
}


def _ts_start(data: bytes) -> int | None:
    for i in range(min(TS_PACKET, len(data))):
        if all(
            i + n * TS_PACKET < len(data) and data[i + n * TS_PACKET] == 0x47
            for n in range(TS_PACKETS_IN_A_ROW)
        ):
            return i
    return None


def _ts_section(packet: bytes) -> tuple[int, bytes] | None:
    """(PID, section) when the packet starts a PSI section."""
    pid = ((packet[1] & 0x1F) << 8) | packet[2]
    if not packet[1] & 0x40:
        return None
    pos = 4
    if packet[3] & 0x20:  # adaptation field
        pos += 1 + packet[4]
    if not packet[3] & 0x10 or pos >= TS_PACKET:
        return None
    pos += 1 + packet[pos]  # pointer field
    return pid, packet[pos:]


def _ts_codecs(data: bytes, start: int) -> list[str]:
    pmt_pids: set[int] = set()
    codecs: list[str] = []
    for off in range(start, len(data) - TS_PACKET + 1, TS_PACKET):
        found = _ts_section(data[off : off + TS_PACKET])
        if found is None:
            continue
        pid, s = found
        if len(s) < 12:
            continue
        end = min(len(s), 3 + (((s[1] & 0x0F) << 8) | s[2]) - 4)
        if pid == 0 and s[0] == 0x00:
            for p in range(8, end - 3, 4):
                if (s[p] << 8) | s[p + 1]:
                    pmt_pids.add(((s[p + 2] & 0x1F) << 8) | s[p + 3])
        elif pid in pmt_pids and s[0] == 0x02:
            p = 12 + (((s[10] & 0x0F) << 8) | s[11])
            while p + 5 <= end:
                name = _TS_STREAM_TYPES.get(s[p])
                if name and name not in codecs:
                    codecs.append(name)
                p += 5 + (((s[p + 3] & 0x0F) << 8) | s[p + 4])
            return codecs
    return codecs


def _ts(data: bytes) -> Media | None:
    start = _ts_start(data)
    if start is None:
        return None
    return Media("+".join(_ts_codecs(data, start)) or "mpegts", container="mpegts")


# -- all together -----------------------------------------------------------------------------


def recognise(data: bytes) -> Media | None:
    """The media `data` begins with (give it a few KB), or None when it is not media."""
    if not data:
        return None
    if data.startswith(b"fLaC"):
        return Media("flac")
    if len(data) >= 8 and data[4:8] in (b"ftyp", b"styp", b"moof", b"sidx", b"moov"):
        return Media("mp4", container="mp4")
    return _ts(data) or _ogg(data) or _frames(data)


class IcyFilter:
    """Takes the metadata blocks out of an Icecast answer that carries one every `metaint`
    audio bytes (`icy-metaint`), across reads."""

    def __init__(self, metaint: int) -> None:
        self.metaint = metaint
        self._audio_left = metaint  # audio bytes before the next block
        self._skip = 0  # metadata bytes still to drop
        self._need_length = False

    def feed(self, data: bytes) -> bytes:
        if self.metaint <= 0:
            return data
        out = bytearray()
        i = 0
        while i < len(data):
            if self._skip:
                n = min(self._skip, len(data) - i)
                self._skip -= n
                i += n
            elif self._need_length:
                self._skip = data[i] * 16
                self._need_length = False
                self._audio_left = self.metaint
                i += 1
            else:
                n = min(self._audio_left, len(data) - i)
                out += data[i : i + n]
                self._audio_left -= n
                i += n
                if self._audio_left == 0:
                    self._need_length = True
        return bytes(out)
