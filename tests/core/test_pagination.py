import pytest

from gongjiang.archive.models import ModelWorker
from gongjiang.core.pagination import KeysetPaginator, _decode, capped_count
from tests.factories import ModelWorkerFactory


@pytest.fixture
def people(union_a):
    names = ["张三", "李四", "王五", "赵六", "周七", "吴八", "郑九", "孙十", "钱一", "陈二", "刘一", "杨二"]
    return [ModelWorkerFactory(name=n, union=union_a) for n in names]


def test_pages_cover_every_row_once_in_order_both_ways(people):
    paginator = KeysetPaginator(["name_pinyin", "id"], page_size=5)
    qs = ModelWorker.objects.all()
    expected = list(qs.order_by("name_pinyin", "id").values_list("pk", flat=True))
    seen, pages, after = [], [], ""
    while True:
        page = paginator.paginate(qs, after=after)
        pages.append(page)
        seen += [w.pk for w in page.items]
        if not page.has_next:
            break
        after = page.next_cursor
    assert seen == expected
    assert [len(p.items) for p in pages] == [5, 5, 2]
    # And back from the last page to the first.
    back = paginator.paginate(qs, before=pages[-1].prev_cursor)
    assert [w.pk for w in back.items] == expected[5:10]
    assert back.has_prev
    assert back.has_next
    first = paginator.paginate(qs, before=back.prev_cursor)
    assert [w.pk for w in first.items] == expected[:5]
    assert not first.has_prev


def test_descending_order_pages_too(people):
    paginator = KeysetPaginator(["-name_pinyin", "-id"], page_size=7)
    qs = ModelWorker.objects.all()
    first = paginator.paginate(qs)
    second = paginator.paginate(qs, after=first.next_cursor)
    expected = list(qs.order_by("-name_pinyin", "-id").values_list("pk", flat=True))
    assert [w.pk for w in first.items + second.items] == expected


def test_a_cursor_edited_by_hand_starts_again_from_the_first_page(people):
    page = KeysetPaginator(["name_pinyin", "id"], page_size=5).paginate(ModelWorker.objects.all(), after="%%%garbage")
    assert page.number == 1
    assert not page.has_prev
    assert _decode("bm90IGpzb24") is None


def test_the_count_stops_at_the_cap(people):
    assert capped_count(ModelWorker.objects.all(), cap=100) == (12, False)
    assert capped_count(ModelWorker.objects.all(), cap=10) == (10, True)
