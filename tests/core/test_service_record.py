from core import service_record
from core.service_record import Section


def test_sections_come_in_order_and_builders_may_leave_themselves_out(monkeypatch):
    monkeypatch.setattr(service_record, "_sections", {})
    service_record.register_section("late", order=20, builder=lambda *, cadre, private: Section("B", ["x"], [[cadre]]))
    service_record.register_section(
        "early", order=10, builder=lambda *, cadre, private: Section("A", ["x"], [[str(private)]])
    )
    service_record.register_section("none", order=5, builder=lambda *, cadre, private: None)

    sections = service_record.sections_for(cadre="c1", private=True)

    assert [s.title for s in sections] == ["A", "B"]
    assert sections[0].rows == [["True"]]
    assert sections[1].rows == [["c1"]]
