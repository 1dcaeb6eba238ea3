"""ICY metadata: titles come out exactly right whatever the server's encoding."""

from maliradio.playback.relay import IcyDemuxer, decode_title, parse_stream_title


def _block(text: bytes) -> bytes:
    meta = b"StreamTitle='" + text + b"';"
    n = -(-len(meta) // 16)
    return bytes([n]) + meta.ljust(n * 16, b"\0")


def test_demuxer_strips_metadata_and_decodes_both_encodings():
    titles: list[str] = []
    d = IcyDemuxer(8, titles.append)
    audio1, audio2 = b"A" * 8, b"B" * 8
    wire = (
        audio1
        + _block("Salif Keïta – Mandjou".encode())
        + audio2
        + _block("Oumou Sangaré".encode("latin-1"))
        + b"C" * 8
        + b"\0"  # an empty block: no change
        + b"D" * 3
    )
    out = b""
    # feed in awkward pieces, as the network does
    for i in range(0, len(wire), 5):
        out += d.feed(wire[i : i + 5])
    assert out == audio1 + audio2 + b"C" * 8 + b"D" * 3
    assert titles == ["Salif Keïta – Mandjou", "Oumou Sangaré"]


def test_title_with_apostrophes_and_stream_url():
    block = b"StreamTitle='Bassekou Kouyat\xe9 - L'amour';StreamUrl='http://x';\0\0"
    assert decode_title(parse_stream_title(block)) == "Bassekou Kouyaté - L'amour"


def test_cp1252_punctuation_is_not_mangled():
    # Windows "Latin-1" servers send curly quotes and dashes in the 0x80-0x9f range
    assert decode_title("Tinariwen \u2013 \u201cAmassakoul\u201d".encode("cp1252")) == (
        "Tinariwen – “Amassakoul”"
    )
