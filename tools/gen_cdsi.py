#!/usr/bin/env python3
"""Compiles CDC's CDSi supporting data (XML) into Sprout's compact JSON form.

Source: CDC "Clinical Decision Support for Immunization (CDSi)" supporting data,
one folder per release (AntigenSupportingData- *.xml, ScheduleSupportingData.xml),
as kept in shared/data/immunization/cdsi-supporting-data-<version>. Public domain.

The output is read by crates/sprout-domain/src/immunization/data.rs (embedded
with include_str!, parsed once). What the generator does beyond re-shaping:

* time periods ("6 months - 4 days", "10 months + 4 weeks", "6 yrs - 4 days",
  "19 years- 4 days") become [months, days] pairs: years count as 12 months,
  weeks as 7 days (CDSi adds years/months first, then weeks/days);
* dates (YYYYMMDD or MM/DD/YYYY) become ISO YYYY-MM-DD;
* CVX codes become integers; code lists ("21; 94; 121") become integer lists;
* enumerations are lower-cased (e.g. "Vaccine Count By Age" and "Vaccine Count
  by Age" are one condition type);
* prose that the engine never reads (guidance, contraindication text,
  observation titles) is dropped.

Empty, false and absent values are omitted to keep the file small.

Usage:
  python3 tools/gen_cdsi.py ../shared/data/immunization/cdsi-supporting-data-4.64 4.64
  python3 tools/gen_cdsi.py ../shared/data/immunization/cdsi-supporting-data-4.10 4.10
Writes crates/sprout-domain/src/immunization/data/cdsi-<version>.json.
"""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

UNIT_RE = re.compile(r"([+-]?)\s*(\d+)\s*(day|week|month|year|yr)s?\b")


def period(text):
    """'6 months - 4 days' -> [6, -4]; blank or 'n/a' -> None."""
    if text is None:
        return None
    t = text.strip().lower()
    if not t or t == "n/a":
        return None
    months = days = 0
    pos = 0
    for m in UNIT_RE.finditer(t):
        if t[pos : m.start()].strip() not in ("", "+", "-"):
            raise ValueError(f"unparsed time period {text!r}")
        pos = m.end()
        sign = -1 if m.group(1) == "-" else 1
        n = sign * int(m.group(2))
        unit = m.group(3)
        if unit in ("year", "yr"):
            months += 12 * n
        elif unit == "month":
            months += n
        elif unit == "week":
            days += 7 * n
        else:
            days += n
    if t[pos:].strip():
        raise ValueError(f"unparsed time period {text!r}")
    if pos == 0:
        raise ValueError(f"unparsed time period {text!r}")
    return [months, days]


def date(text):
    """'20161216' or '01/01/1957' -> '2016-12-16'; blank -> None."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if re.fullmatch(r"\d{8}", t):
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}"
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", t)
    if m:
        return f"{m.group(3)}-{m.group(1)}-{m.group(2)}"
    raise ValueError(f"unparsed date {text!r}")


def cvx(text):
    t = (text or "").strip()
    if not t:
        return None
    return int(t)


def cvx_list(text):
    t = (text or "").strip()
    if not t:
        return []
    return [int(x) for x in re.split(r"[;,\s]+", t) if x]


def int_list(text):
    return cvx_list(text)


def txt(e, tag):
    v = e.findtext(tag)
    v = v.strip() if v else ""
    return v


def yes(e, tag):
    return txt(e, tag).lower() in ("yes", "y")


def compact(d):
    """Drops None, empty lists/dicts/strings and False."""
    return {k: v for k, v in d.items() if v not in (None, [], {}, "", False)}


def effective(e, out):
    out["effective"] = date(e.findtext("effectiveDate"))
    out["cessation"] = date(e.findtext("cessationDate"))
    return out


def age(e):
    return compact(
        effective(
            e,
            {
                "abs_min": period(e.findtext("absMinAge")),
                "min": period(e.findtext("minAge")),
                "earliest_rec": period(e.findtext("earliestRecAge")),
                "latest_rec": period(e.findtext("latestRecAge")),
                "max": period(e.findtext("maxAge")),
            },
        )
    )


def interval(e):
    obs = e.find("fromRelevantObs")
    target = txt(e, "fromTargetDose")
    return compact(
        effective(
            e,
            {
                "from_previous": yes(e, "fromPrevious"),
                "from_target_dose": int(target) if target else None,
                "from_most_recent": cvx_list(e.findtext("fromMostRecent")),
                "from_observation": txt(obs, "code") if obs is not None else None,
                "abs_min": period(e.findtext("absMinInt")),
                "min": period(e.findtext("minInt")),
                "earliest_rec": period(e.findtext("earliestRecInt")),
                "latest_rec": period(e.findtext("latestRecInt")),
                "override": txt(e, "intervalPriority").lower() == "override",
            },
        )
    )


def allowable_interval(e):
    target = txt(e, "fromTargetDose")
    return compact(
        effective(
            e,
            {
                "from_previous": yes(e, "fromPrevious"),
                "from_target_dose": int(target) if target else None,
                "abs_min": period(e.findtext("absMinInt")),
            },
        )
    )


def vaccine(e, preferable):
    out = {
        "cvx": cvx(e.findtext("cvx")),
        "begin": period(e.findtext("beginAge")),
        "end": period(e.findtext("endAge")),
    }
    if preferable:
        out["forecast"] = txt(e, "forecastVaccineType").upper() == "Y"
        out["mvx"] = txt(e, "mvx") or None
        vol = txt(e, "volume")
        out["volume"] = float(vol) if vol else None
    return compact(out)


CONDITION_TYPES = {
    "age": "age",
    "interval": "interval",
    "vaccine count by age": "count-by-age",
    "vaccine count by date": "count-by-date",
    "vaccine count by date and age": "count-by-date-and-age",
    "completed series": "completed-series",
}


def logic(text, default):
    t = (text or "").strip().lower()
    if t in ("and", "or"):
        return t
    return default


def condition(e):
    ctype = CONDITION_TYPES[txt(e, "conditionType").lower()]
    count_logic = txt(e, "doseCountLogic").lower()
    count_logic = {"greater than": "greater", "equal to": "equal", "less than": "less"}.get(
        count_logic, count_logic or None
    )
    dose_type = txt(e, "doseType").lower() or None
    count = txt(e, "doseCount")
    return compact(
        {
            "type": ctype,
            "begin": period(e.findtext("beginAge")),
            "end": period(e.findtext("endAge")),
            "start_date": date(e.findtext("startDate")),
            "end_date": date(e.findtext("endDate")),
            "interval": period(e.findtext("interval")),
            "count": int(count) if count else None,
            "count_logic": count_logic,
            "dose_type": dose_type,
            "vaccine_types": cvx_list(e.findtext("vaccineTypes")),
            "series_groups": int_list(e.findtext("seriesGroups")),
        }
    )


def skip(e):
    sets = []
    for s in e.findall("set"):
        sets.append(
            compact(
                effective(
                    s,
                    {
                        "id": int(txt(s, "setID") or 0),
                        "description": txt(s, "setDescription") or None,
                        "logic": logic(s.findtext("conditionLogic"), "and"),
                        "conditions": [condition(c) for c in s.findall("condition")],
                    },
                )
            )
        )
    return compact(
        {
            "context": txt(e, "context").lower(),
            "set_logic": logic(e.findtext("setLogic"), "or"),
            "sets": sets,
        }
    )


def series_dose(e):
    seasonal = e.find("seasonalRecommendation")
    season = None
    if seasonal is not None and (txt(seasonal, "startDate") or txt(seasonal, "endDate")):
        season = compact(
            {"start": date(seasonal.findtext("startDate")), "end": date(seasonal.findtext("endDate"))}
        )
    number = re.sub(r"\D", "", txt(e, "doseNumber"))
    return compact(
        {
            "number": int(number),
            "ages": [age(a) for a in e.findall("age")],
            "intervals": [interval(i) for i in e.findall("interval") if len(i)],
            "allowable_intervals": [
                allowable_interval(i) for i in e.findall("allowableInterval") if len(i)
            ],
            "preferable": [vaccine(v, True) for v in e.findall("preferableVaccine") if len(v)],
            "allowable": [vaccine(v, False) for v in e.findall("allowableVaccine") if len(v)],
            "inadvertent": [
                cvx(v.findtext("cvx")) for v in e.findall("inadvertentVaccine") if len(v)
            ],
            "skips": [skip(s) for s in e.findall("conditionalSkip") if len(s)],
            "recurring": yes(e, "recurringDose"),
            "season": season,
        }
    )


SERIES_TYPES = {"standard": "standard", "risk": "risk", "evaluation only": "evaluation-only"}


def series(e):
    sel = e.find("selectSeries")
    pref = txt(sel, "seriesPreference")
    return compact(
        {
            "name": txt(e, "seriesName"),
            "vaccine_group": txt(e, "vaccineGroup"),
            "type": SERIES_TYPES[txt(e, "seriesType").lower()],
            "equivalent_groups": int_list(e.findtext("equivalentSeriesGroups")),
            "genders": [g.text.strip().lower() for g in e.findall("requiredGender") if g.text and g.text.strip()],
            "default": yes(sel, "defaultSeries"),
            "product": yes(sel, "productPath"),
            "group": int(txt(sel, "seriesGroup")),
            "group_name": txt(sel, "seriesGroupName") or None,
            "priority": txt(sel, "seriesPriority") or None,
            "preference": int(pref) if pref else None,
            "min_age_to_start": period(sel.findtext("minAgeToStart")),
            "max_age_to_start": period(sel.findtext("maxAgeToStart")),
            "indications": [
                compact(
                    {
                        "code": txt(i.find("observationCode"), "code"),
                        "begin": period(i.findtext("beginAge")),
                        "end": period(i.findtext("endAge")),
                    }
                )
                for i in e.findall("indication")
                if i.find("observationCode") is not None
            ],
            "doses": [series_dose(d) for d in e.findall("seriesDose")],
        }
    )


def antigen(root):
    imm = root.find("immunity")
    immunity = None
    if imm is not None:
        dob = imm.find("dateOfBirth")
        immunity = compact(
            {
                "guidelines": [txt(c, "guidelineCode") for c in imm.findall("clinicalHistory")],
                "birth_date": date(dob.findtext("immunityBirthDate")) if dob is not None else None,
                "birth_country": txt(dob, "birthCountry") or None if dob is not None else None,
                "exclusions": [txt(x, "exclusionCode") for x in dob.findall("exclusion")]
                if dob is not None
                else [],
            }
        )
    contra = root.find("contraindications")
    group_contra = []
    vaccine_contra = []
    if contra is not None:
        vg = contra.find("vaccineGroup")
        if vg is not None:
            for c in vg.findall("contraindication"):
                group_contra.append(
                    compact(
                        {
                            "code": txt(c, "observationCode"),
                            "begin": period(c.findtext("beginAge")),
                            "end": period(c.findtext("endAge")),
                        }
                    )
                )
        va = contra.find("vaccine")
        if va is not None:
            for c in va.findall("contraindication"):
                for v in c.findall("contraindicatedVaccine"):
                    vaccine_contra.append(
                        compact(
                            {
                                "code": txt(c, "observationCode"),
                                "cvx": cvx(v.findtext("cvx")),
                                "begin": period(v.findtext("beginAge")),
                                "end": period(v.findtext("endAge")),
                            }
                        )
                    )
    all_series = [series(s) for s in root.findall("series")]
    names = {s.findtext("targetDisease").strip() for s in root.findall("series")}
    if len(names) != 1:
        raise ValueError(f"antigen file with target diseases {names}")
    return compact(
        {
            "name": names.pop(),
            "immunity": immunity,
            "group_contraindications": group_contra,
            "vaccine_contraindications": vaccine_contra,
            "series": all_series,
        }
    )


def schedule(root):
    full = {
        g.findtext("name").strip(): (g.findtext("administerFullVaccineGroup") or "").strip().lower() == "yes"
        for g in root.find("vaccineGroups")
    }
    groups = []
    for m in root.find("vaccineGroupToAntigenMap"):
        name = m.findtext("name").strip()
        groups.append(
            compact(
                {
                    "name": name,
                    "full": full.get(name, False),
                    "antigens": [a.text.strip() for a in m.findall("antigen")],
                }
            )
        )
    cvx_map = []
    for m in root.find("cvxToAntigenMap"):
        cvx_map.append(
            compact(
                {
                    "cvx": cvx(m.findtext("cvx")),
                    "name": txt(m, "shortDescription"),
                    "antigens": [
                        compact(
                            {
                                "antigen": txt(a, "antigen"),
                                "begin": period(a.findtext("associationBeginAge")),
                                "end": period(a.findtext("associationEndAge")),
                            }
                        )
                        for a in m.findall("association")
                    ],
                }
            )
        )
    conflicts = []
    for c in root.find("liveVirusConflicts"):
        conflicts.append(
            {
                "previous": cvx(c.find("previous").findtext("cvx")),
                "current": cvx(c.find("current").findtext("cvx")),
                "begin": period(c.findtext("conflictBeginInterval")),
                "min_end": period(c.findtext("minConflictEndInterval")),
                "end": period(c.findtext("conflictEndInterval")),
            }
        )
    return groups, cvx_map, conflicts


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, version = sys.argv[1], sys.argv[2]
    sched = ET.parse(os.path.join(folder, "ScheduleSupportingData.xml")).getroot()
    groups, cvx_map, conflicts = schedule(sched)
    antigens = []
    for path in sorted(glob.glob(os.path.join(folder, "AntigenSupportingData*.xml"))):
        antigens.append(antigen(ET.parse(path).getroot()))
    out = {
        "version": version,
        "source": f"CDC CDSi supporting data {version}, compiled by tools/gen_cdsi.py",
        "vaccine_groups": groups,
        "cvx": cvx_map,
        "live_virus_conflicts": conflicts,
        "antigens": antigens,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    dest = os.path.join(
        here, "..", "crates", "sprout-domain", "src", "immunization", "data", f"cdsi-{version}.json"
    )
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False, sort_keys=False)
        f.write("\n")
    print(f"wrote {os.path.normpath(dest)} ({os.path.getsize(dest)} bytes)")


if __name__ == "__main__":
    main()
