"""Voice notes through the upload gate (issue 18): recognised by their first bytes, capped in size."""

import io

import pytest

from linli.core import uploads

SAMPLES = {
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom",
    "aac": b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 9,
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 6,
    "amr": b"#!AMR\n" + b"\x00" * 10,
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81" + b"\x00" * 8,
    "ogg": b"OggS\x00\x02" + b"\x00" * 10,
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_voice_format_is_recognised_by_its_bytes_and_stored_under_its_own_extension(kind):
    stored = uploads.audio(io.BytesIO(SAMPLES[kind] + b"\x00" * 100), stem="voice")
    assert stored.name == f"voice.{kind}"
    assert uploads.TYPES[kind].startswith("audio/")


def test_a_bare_mp3_frame_is_mp3_and_an_adts_frame_is_aac():
    assert uploads.sniff_audio(b"\xff\xfb\x90\x64") == "mp3"
    assert uploads.sniff_audio(b"\xff\xf1\x50\x80") == "aac"
    assert uploads.sniff(b"\xff\xd8\xff\xe0") == "jpg"  # a JPEG is never taken for audio


@pytest.mark.parametrize("data", [b"<html><script>alert(1)</script></html>", b"%PDF-1.7\n" + b"\x00" * 20,
                                  b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 8, b"\x00" * 40])
def test_anything_else_is_refused(data):
    with pytest.raises(uploads.UploadError, match="录音文件类型不允许"):
        uploads.audio(io.BytesIO(data))


def test_a_voice_note_over_the_cap_is_refused_before_it_is_read(settings):
    settings.LINLI_UPLOAD_MAX_AUDIO_MB = 1

    class Huge(io.BytesIO):
        size = 2 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read before the size was checked")

    with pytest.raises(uploads.UploadError, match="录音过大"):
        uploads.audio(Huge(SAMPLES["m4a"]))


def test_an_audio_file_is_not_a_document():
    with pytest.raises(uploads.UploadError):
        uploads.document(io.BytesIO(SAMPLES["m4a"] + b"\x00" * 100))
