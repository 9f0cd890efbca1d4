"""Reading report files: front matter, datelines, HTML, and every kind of bad input."""
import datetime as dt

import pytest

from dashboard.reports import (MAX_REPORT_BYTES, ReportError, find_dateline, html_to_text,
                               read_report, report_paths)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize("head, expected", [
    ("Updated: 4:25 AM, Mon November 06, 2023\n\nText.", dt.date(2023, 11, 6)),
    ("Published 2024-03-08 09:12\nText.", dt.date(2024, 3, 8)),
    ("KYIV, 8 March 2024 - Drones struck overnight.", dt.date(2024, 3, 8)),
    ("Sept. 12, 2023\nText", dt.date(2023, 9, 12)),
    ("MOSCOW, August 6. Drones were downed.", None),           # no year: not a full date
    ("Line one\nLine two\nLine three\nLine four\nLine five 2024-01-01", None),  # not a dateline
    ("-0.4 C\nFriday, December 1, 2023\n\nHeadline", None),        # a site's date widget
    ("Headline\nPosted: Friday, December 1, 2023", dt.date(2023, 12, 1)),
    ("Headline\n\nLVIV, Ukraine, July 6, 2023 - Missiles hit", dt.date(2023, 7, 6)),
    (" date 2024-01-10 Drones reach the airbase", dt.date(2024, 1, 10)),
])
def test_dateline(head, expected):
    assert find_dateline(head) == expected


@pytest.mark.parametrize("text, published, origin", [
    ("---\ntitle: A\npublished: 2024-05-01\n---\nBody 2023-01-01.\n", dt.date(2024, 5, 1), "front matter"),
    ("---\ntitle: A\n---\nUpdated: May 2, 2024\nBody.\n", dt.date(2024, 5, 2), "dateline"),
    ("Body without any date.\n", dt.date(2024, 5, 3), "argument"),
])
def test_publication_date_order(tmp_path, text, published, origin):
    report = read_report(write(tmp_path, "r.md", text), published="2024-05-03")
    assert report.published == published
    assert report.published_from == origin


def test_no_date_is_kept_with_a_warning(tmp_path):
    report = read_report(write(tmp_path, "r.txt", "Drones were shot down over the city.\n"))
    assert report.published is None
    assert any("no publication date" in w for w in report.warnings)


def test_front_matter_fields_and_body(tmp_path):
    text = "---\ntitle: \"Night attack\"\nurl: https://example.org/a\nsource: Example News\n---\nThe body.\n"
    report = read_report(write(tmp_path, "r.md", text))
    assert (report.title, report.url, report.source) == ("Night attack", "https://example.org/a", "Example News")
    assert report.text == "The body.\n"
    assert report.raw == text


def test_broken_front_matter_is_a_warning_not_an_error(tmp_path):
    report = read_report(write(tmp_path, "r.md", "---\ntitle: [unclosed\n---\nBody.\n"))
    assert report.text == "Body.\n"
    assert any("front matter" in w for w in report.warnings)


def test_html_visible_text_only():
    markup = """<!doctype html><html><head><title>Strike &amp; more</title>
    <meta name="published" content="2024-07-08"><style>p {color: red}</style>
    <script>alert('x')</script></head><body><p>Five drones were shot down.</p>
    <script>document.write('hidden')</script><p>Two people were injured.</p></body></html>"""
    text, meta = html_to_text(markup)
    assert "Five drones were shot down." in text and "Two people were injured." in text
    assert "alert" not in text and "hidden" not in text and "color" not in text
    assert meta["title"] == "Strike & more"
    assert meta["published"] == "2024-07-08"


def test_html_file_takes_its_meta_date(tmp_path):
    markup = '<html><head><meta name="published" content="2024-07-08"></head><body><p>Text.</p></body></html>'
    report = read_report(write(tmp_path, "page.html", markup))
    assert report.published == dt.date(2024, 7, 8)
    assert report.text.strip() == "Text."
    assert report.raw == markup


def test_same_bytes_same_id(tmp_path):
    a = read_report(write(tmp_path, "a.txt", "Same text.\n"))
    b = read_report(write(tmp_path, "b.txt", "Same text.\n"))
    c = read_report(write(tmp_path, "c.txt", "Other text.\n"))
    assert a.report_id == b.report_id != c.report_id


@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n", "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("latin1.txt", "Kyiv \u2013 drones".encode("cp1252"), "not UTF-8"),
    ("only-front-matter.md", b"---\ntitle: x\n---\n", "no report text"),
])
def test_bad_input_names_the_file_and_the_problem(tmp_path, name, data, problem):
    path = write(tmp_path, name, data)
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert str(err.value).startswith(str(path))
    assert problem in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ReportError, match="no such file"):
        read_report(tmp_path / "nope.txt")


def test_file_over_the_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", b"a" * (MAX_REPORT_BYTES + 1))
    with pytest.raises(ReportError, match="over the"):
        read_report(path)


def test_bad_published_argument(tmp_path):
    with pytest.raises(ReportError, match="not a date"):
        read_report(write(tmp_path, "r.txt", "Body.\n"), published="someday")


def test_utf16_with_bom(tmp_path):
    report = read_report(write(tmp_path, "r.txt", "Drones over Kyiv.\n".encode("utf-16")))
    assert report.text.strip() == "Drones over Kyiv."


def test_folder_means_every_report_in_it(tmp_path):
    for name in ("b.md", "a.txt", "c.html", "notes.json", ".hidden.txt", "README.md"):
        write(tmp_path, name, "x")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "d.txt", "x")
    names = [p.name for p in report_paths([tmp_path])]
    assert names == ["a.txt", "b.md", "c.html", "d.txt"]
