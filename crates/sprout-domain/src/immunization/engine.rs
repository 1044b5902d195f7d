//! The CDSi processing model: evaluation of each dose in each patient series,
//! the patient series forecast, best-series selection and the vaccine group
//! forecast. Section names in comments are those of the CDSi Logic
//! Specification (v4.x).

use super::data::{
    in_force, Age, ConditionType, CountLogic, DoseType, Gender, Interval, Logic, Series,
    SeriesDose, SeriesType, SkipCondition, SkipContext, SupportingData,
};
use super::period::{day_before, Period};
use super::{
    AdministeredDose, AntigenForecast, DoseEvaluation, EvaluationReason, EvaluationStatus,
    ForecastDates, PatientFacts, SeriesStatus, VaccineGroupForecast, VaccineGroupForecasts,
};
use crate::record::AdministrativeSex;
use jiff::civil::Date;

/// A dose given, normalized: CVX parsed, in date order.
#[derive(Debug, Clone, Copy)]
struct Dose {
    input: usize,
    date: Date,
    cvx: u16,
}

struct Ctx<'a> {
    data: &'a SupportingData,
    birth: Date,
    gender: Gender,
    assessment: Date,
    doses: Vec<Dose>,
    /// Per dose: given within a live virus conflict of an earlier dose.
    conflicted: Vec<bool>,
}

impl Ctx<'_> {
    fn age_date(&self, p: Option<Period>) -> Option<Date> {
        p.map(|p| p.after(self.birth))
    }
}

/// The doses of one antigen ("antigen administered records"), in date order.
struct AntigenRun {
    /// Indexes into `Ctx::doses`.
    aars: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Satisfied { aar: usize, sd: usize },
    Skipped,
}

#[derive(Debug, Clone, Copy)]
struct Eval {
    status: EvaluationStatus,
    reason: Option<EvaluationReason>,
    sd: Option<usize>,
}

struct SeriesRun<'a> {
    series: &'a Series,
    /// Per antigen administered record.
    evals: Vec<Option<Eval>>,
    targets: Vec<Target>,
    /// Series dose index of the next target dose after evaluation.
    next: usize,
    status: SeriesStatus,
    forecast_sd: Option<usize>,
    dates: Option<ForecastDates>,
    /// Projected date the series could be finished (scoring).
    finish: Option<Date>,
    /// Whether the remaining doses fit before the maximum ages (scoring).
    completable: bool,
}

impl SeriesRun<'_> {
    fn valid_count(&self) -> usize {
        self.targets
            .iter()
            .filter(|t| matches!(t, Target::Satisfied { .. }))
            .count()
    }

    fn satisfied_date(&self, ctx: &Ctx, ar: &AntigenRun, dose_number: u32) -> Option<Date> {
        self.targets.iter().find_map(|t| match *t {
            Target::Satisfied { aar, sd } if sd + 1 == dose_number as usize => {
                Some(ctx.doses[ar.aars[aar]].date)
            }
            _ => None,
        })
    }

    fn first_valid_date(&self, ctx: &Ctx, ar: &AntigenRun) -> Option<Date> {
        self.targets.iter().find_map(|t| match *t {
            Target::Satisfied { aar, .. } => Some(ctx.doses[ar.aars[aar]].date),
            Target::Skipped => None,
        })
    }

    fn last_valid_date(&self, ctx: &Ctx, ar: &AntigenRun) -> Option<Date> {
        self.targets.iter().rev().find_map(|t| match *t {
            Target::Satisfied { aar, .. } => Some(ctx.doses[ar.aars[aar]].date),
            Target::Skipped => None,
        })
    }

    /// The most recent dose before `before` (an antigen administered record
    /// index) that was evaluated in this series, other than an inadvertent
    /// administration: "the previous vaccine dose administered".
    fn previous(&self, before: usize) -> Option<usize> {
        (0..before).rev().find(|&j| {
            matches!(self.evals[j], Some(e) if e.reason != Some(EvaluationReason::InadvertentVaccine))
        })
    }
}

pub(super) fn run(
    patient: &PatientFacts,
    doses: &[AdministeredDose],
    assessment: Date,
    data: &SupportingData,
    only_group: Option<&str>,
) -> VaccineGroupForecasts {
    let mut normalized: Vec<Dose> = doses
        .iter()
        .enumerate()
        .filter_map(|(input, d)| {
            super::parse_cvx(&d.cvx).map(|cvx| Dose {
                input,
                date: d.date,
                cvx,
            })
        })
        .collect();
    normalized.sort_by_key(|d| (d.date, d.input));
    let gender = match patient.sex {
        AdministrativeSex::Female => Gender::Female,
        AdministrativeSex::Male => Gender::Male,
        AdministrativeSex::Other | AdministrativeSex::Unknown => Gender::Unknown,
    };
    let mut ctx = Ctx {
        data,
        birth: patient.birth_date,
        gender,
        assessment,
        conflicted: vec![false; normalized.len()],
        doses: normalized,
    };
    ctx.conflicted = live_virus_conflicts(&ctx);

    let groups = data
        .vaccine_groups
        .iter()
        .filter(|g| only_group.is_none_or(|name| g.name == name))
        .map(|g| {
            let antigens: Vec<AntigenForecast> = g
                .antigens
                .iter()
                .map(|&a| antigen_forecast(&ctx, a))
                .collect();
            combine_group(&g.name, g.administer_full_vaccine_group, antigens)
        })
        .collect();
    VaccineGroupForecasts {
        supporting_data_version: data.version.clone(),
        assessment_date: assessment,
        groups,
    }
}

/// Live virus conflicts, in date order: a dose is in conflict when it was given
/// in the conflict window of an earlier live dose. The window ends at the
/// minimum conflict end interval (with grace) after a dose that is itself not
/// in conflict, and at the conflict end interval after one that is.
fn live_virus_conflicts(ctx: &Ctx) -> Vec<bool> {
    let mut out = vec![false; ctx.doses.len()];
    for i in 0..ctx.doses.len() {
        let current = ctx.doses[i];
        out[i] = (0..i).any(|j| {
            let previous = ctx.doses[j];
            previous.date < current.date
                && ctx
                    .data
                    .live_virus_conflict(previous.cvx, current.cvx)
                    .is_some_and(|c| {
                        let end = if out[j] { c.end } else { c.min_end };
                        current.date >= c.begin.after(previous.date)
                            && current.date < end.after(previous.date)
                    })
        });
    }
    out
}

fn relevant_age(sd: &SeriesDose, on: Date) -> Option<&Age> {
    sd.ages
        .iter()
        .find(|a| in_force(a.effective, a.cessation, on))
}

fn relevant_intervals(intervals: &[Interval], on: Date) -> impl Iterator<Item = &Interval> {
    intervals
        .iter()
        .filter(move |i| in_force(i.effective, i.cessation, on))
}

/// 4.1 Organize immunization history, 4.2 create relevant patient series,
/// 6 evaluate, 7 forecast, 8 select the best patient series: the outcome of one
/// antigen.
fn antigen_forecast(ctx: &Ctx, antigen_index: usize) -> AntigenForecast {
    let antigen = &ctx.data.antigens[antigen_index];
    let aars: Vec<usize> = ctx
        .doses
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            ctx.data.cvx_associations(d.cvx).iter().any(|a| {
                a.antigen == antigen_index
                    && ctx.age_date(a.begin).is_none_or(|b| d.date >= b)
                    && ctx.age_date(a.end).is_none_or(|e| d.date < e)
            })
        })
        .map(|(i, _)| i)
        .collect();
    let ar = AntigenRun { aars };

    let immune = antigen.immunity.as_ref().is_some_and(|imm| {
        // Born before the immunity birth date. Sprout records neither the
        // exclusion observations (health care personnel, pregnancy) nor the
        // country of birth, so the birth-date rule is applied as for a patient
        // born in the U.S. without exclusions.
        imm.birth_date.is_some_and(|b| ctx.birth < b)
    });

    // Relevant patient series: standard and evaluation-only series of the
    // patient's gender. Risk series need an indication (an observation), which
    // the engine is not given, so none is relevant.
    let mut runs: Vec<SeriesRun> = Vec::new();
    let mut completed_groups: Vec<u32> = Vec::new();
    for series in antigen.series.iter().filter(|s| {
        s.series_type != SeriesType::Risk
            && (s.genders.is_empty() || s.genders.contains(&ctx.gender))
    }) {
        let mut run = evaluate_series(ctx, &ar, series, &completed_groups);
        forecast_series(ctx, &ar, &mut run, immune, &completed_groups);
        if run.status == SeriesStatus::Complete {
            completed_groups.push(series.group);
        }
        runs.push(run);
    }

    let best = select_best(ctx, &ar, &runs);
    let chosen = choose_among_best(&runs, &best);
    match chosen {
        Some(i) => {
            let run = &runs[i];
            let doses = ar
                .aars
                .iter()
                .enumerate()
                .filter_map(|(k, &di)| {
                    let d = ctx.doses[di];
                    run.evals[k].map(|e| DoseEvaluation {
                        dose: d.input,
                        date: d.date,
                        cvx: d.cvx,
                        status: e.status,
                        reason: e.reason,
                        dose_number: e.sd.map(|s| run.series.doses[s].number),
                    })
                })
                .collect();
            let recommended_vaccines = match (run.status, run.forecast_sd) {
                (SeriesStatus::NotComplete, Some(sd)) => run.series.doses[sd]
                    .preferable
                    .iter()
                    .filter(|v| v.forecast)
                    .map(|v| v.cvx)
                    .collect(),
                _ => Vec::new(),
            };
            AntigenForecast {
                antigen: antigen.name.clone(),
                series: Some(run.series.name.clone()),
                status: run.status,
                dose_number: match run.status {
                    SeriesStatus::NotComplete => Some(run.valid_count() as u32 + 1),
                    _ => None,
                },
                dates: run.dates,
                doses,
                recommended_vaccines,
            }
        }
        None => AntigenForecast {
            antigen: antigen.name.clone(),
            series: None,
            status: if immune {
                SeriesStatus::Immune
            } else {
                SeriesStatus::NotRecommended
            },
            dose_number: None,
            dates: None,
            doses: Vec::new(),
            recommended_vaccines: Vec::new(),
        },
    }
}

/// 6 Evaluate a patient series: each dose of the antigen, in date order,
/// against the current target dose.
fn evaluate_series<'a>(
    ctx: &Ctx,
    ar: &AntigenRun,
    series: &'a Series,
    completed_groups: &[u32],
) -> SeriesRun<'a> {
    let n = series.doses.len();
    let mut run = SeriesRun {
        series,
        evals: vec![None; ar.aars.len()],
        targets: Vec::new(),
        next: 0,
        status: SeriesStatus::NotComplete,
        forecast_sd: None,
        dates: None,
        finish: None,
        completable: false,
    };
    for i in 0..ar.aars.len() {
        let date = ctx.doses[ar.aars[i]].date;
        // 6.2 Evaluate conditional skip (evaluation context; the reference date
        // is the date given).
        while run.next < n
            && skip_applies(
                ctx,
                ar,
                &run,
                &series.doses[run.next],
                SkipContext::Evaluation,
                date,
                Some(i),
                completed_groups,
            )
        {
            run.targets.push(Target::Skipped);
            run.next += 1;
        }
        if run.next >= n {
            run.evals[i] = Some(Eval {
                status: EvaluationStatus::Extraneous,
                reason: Some(EvaluationReason::SeriesAlreadyComplete),
                sd: None,
            });
            continue;
        }
        let sd = run.next;
        let eval = evaluate_dose(ctx, ar, &run, sd, i);
        if eval.status == EvaluationStatus::Valid {
            run.targets.push(Target::Satisfied { aar: i, sd });
            if !series.doses[sd].recurring {
                run.next += 1;
            }
        }
        run.evals[i] = Some(eval);
    }
    run
}

/// 6.3 to 6.9: one dose against one target dose.
fn evaluate_dose(ctx: &Ctx, ar: &AntigenRun, run: &SeriesRun, sd_index: usize, i: usize) -> Eval {
    let sd = &run.series.doses[sd_index];
    let di = ar.aars[i];
    let dose = ctx.doses[di];
    let verdict = |status, reason| Eval {
        status,
        reason,
        sd: Some(sd_index),
    };
    let not_valid = |reason| verdict(EvaluationStatus::NotValid, Some(reason));

    // 6.3 Inadvertent vaccine.
    if sd.inadvertent.contains(&dose.cvx) {
        return not_valid(EvaluationReason::InadvertentVaccine);
    }

    let previous = run.previous(i);
    // "Is the evaluation of the previous dose 'not valid' due to age or
    // interval?" decides whether the 4-day grace period applies.
    let previous_not_valid = previous.is_some_and(|p| {
        matches!(
            run.evals[p],
            Some(Eval {
                status: EvaluationStatus::NotValid,
                reason: Some(EvaluationReason::AgeTooYoung | EvaluationReason::IntervalTooShort),
                ..
            })
        )
    });

    // 6.4 Age.
    if let Some(age) = relevant_age(sd, dose.date) {
        let abs_min = ctx.age_date(age.abs_min).unwrap_or(ctx.birth);
        let min = ctx.age_date(age.min).unwrap_or(abs_min);
        if dose.date < abs_min || (dose.date < min && sd_index > 0 && previous_not_valid) {
            return not_valid(EvaluationReason::AgeTooYoung);
        }
        if ctx.age_date(age.max).is_some_and(|m| dose.date >= m) {
            return verdict(
                EvaluationStatus::Extraneous,
                Some(EvaluationReason::AgeTooOld),
            );
        }
    }

    // 6.5 Preferable interval, 6.6 allowable interval.
    let preferable_ok = relevant_intervals(&sd.intervals, dose.date).all(|iv| {
        match interval_reference(ctx, ar, run, iv, i, dose.date) {
            None => true,
            Some(reference) => {
                let abs_min = iv.abs_min.unwrap_or(Period::ZERO).after(reference);
                let min = iv.min.map_or(abs_min, |p| p.after(reference));
                !(dose.date < abs_min || (dose.date < min && previous_not_valid))
            }
        }
    });
    if !preferable_ok {
        let mut allowable = relevant_intervals(&sd.allowable_intervals, dose.date).peekable();
        let allowable_ok = allowable.peek().is_some()
            && allowable.all(
                |iv| match interval_reference(ctx, ar, run, iv, i, dose.date) {
                    None => true,
                    Some(reference) => {
                        dose.date >= iv.abs_min.unwrap_or(Period::ZERO).after(reference)
                    }
                },
            );
        if !allowable_ok {
            return not_valid(EvaluationReason::IntervalTooShort);
        }
    }

    // 6.7 Live virus conflict.
    if ctx.conflicted[di] {
        return not_valid(EvaluationReason::LiveVirusConflict);
    }

    // 6.8 Preferable vaccine, 6.9 allowable vaccine.
    let in_age = |begin: Option<Period>, end: Option<Period>| {
        ctx.age_date(begin).is_none_or(|b| dose.date >= b)
            && ctx.age_date(end).is_none_or(|e| dose.date < e)
    };
    let preferable = sd
        .preferable
        .iter()
        .any(|v| v.cvx == dose.cvx && in_age(v.begin, v.end));
    let allowable = sd
        .allowable
        .iter()
        .any(|v| v.cvx == dose.cvx && in_age(v.begin, v.end));
    if !preferable && !allowable {
        return not_valid(EvaluationReason::VaccineNotAllowable);
    }
    verdict(EvaluationStatus::Valid, None)
}

/// The date an interval counts from (CALCDTINT): the previous dose, the dose
/// that satisfied a given target dose, or the most recent dose of given
/// vaccines. `None` when there is no such dose (the interval does not apply).
/// `i` is the antigen administered record being evaluated, or the number of
/// records when forecasting; `on` is its date (or the assessment date).
fn interval_reference(
    ctx: &Ctx,
    ar: &AntigenRun,
    run: &SeriesRun,
    iv: &Interval,
    i: usize,
    on: Date,
) -> Option<Date> {
    if iv.from_previous {
        return run.previous(i).map(|p| ctx.doses[ar.aars[p]].date);
    }
    if let Some(n) = iv.from_target_dose {
        return run.satisfied_date(ctx, ar, n);
    }
    if !iv.from_most_recent.is_empty() {
        return ctx
            .doses
            .iter()
            .filter(|d| d.date < on && iv.from_most_recent.contains(&d.cvx))
            .map(|d| d.date)
            .max();
    }
    // From an observation: Sprout records none.
    None
}

/// 6.2 / 7.1 Conditional skip: whether the target dose can be skipped.
/// `current` is the record being evaluated (evaluation) or `None` (forecast).
#[allow(clippy::too_many_arguments)]
fn skip_applies(
    ctx: &Ctx,
    ar: &AntigenRun,
    run: &SeriesRun,
    sd: &SeriesDose,
    context: SkipContext,
    reference: Date,
    current: Option<usize>,
    completed_groups: &[u32],
) -> bool {
    sd.skips
        .iter()
        .filter(|s| s.context == SkipContext::Both || s.context == context)
        .any(|skip| {
            let mut sets = skip
                .sets
                .iter()
                .filter(|set| in_force(set.effective, set.cessation, reference))
                .map(|set| {
                    let mut met = set.conditions.iter().map(|c| {
                        condition_met(ctx, ar, run, c, reference, current, completed_groups)
                    });
                    match set.logic {
                        Logic::And => !set.conditions.is_empty() && met.all(|m| m),
                        Logic::Or => met.any(|m| m),
                    }
                })
                .peekable();
            if sets.peek().is_none() {
                return false;
            }
            match skip.set_logic {
                Logic::And => sets.all(|m| m),
                Logic::Or => sets.any(|m| m),
            }
        })
}

fn condition_met(
    ctx: &Ctx,
    ar: &AntigenRun,
    run: &SeriesRun,
    c: &SkipCondition,
    reference: Date,
    current: Option<usize>,
    completed_groups: &[u32],
) -> bool {
    let upto = current.unwrap_or(ar.aars.len());
    match c.condition_type {
        ConditionType::Age => {
            ctx.age_date(c.begin).is_none_or(|b| reference >= b)
                && ctx.age_date(c.end).is_none_or(|e| reference < e)
        }
        ConditionType::Interval => run.previous(upto).is_some_and(|p| {
            let previous = ctx.doses[ar.aars[p]].date;
            reference >= c.interval.unwrap_or(Period::ZERO).after(previous)
        }),
        ConditionType::CountByAge
        | ConditionType::CountByDate
        | ConditionType::CountByDateAndAge => {
            let by_age = matches!(
                c.condition_type,
                ConditionType::CountByAge | ConditionType::CountByDateAndAge
            );
            let by_date = matches!(
                c.condition_type,
                ConditionType::CountByDate | ConditionType::CountByDateAndAge
            );
            let begin = ctx.age_date(c.begin);
            let end = ctx.age_date(c.end);
            let count = (0..upto)
                .filter(|&j| {
                    let d = ctx.doses[ar.aars[j]];
                    (c.vaccine_types.is_empty() || c.vaccine_types.contains(&d.cvx))
                        && match c.dose_type.unwrap_or(DoseType::Total) {
                            DoseType::Valid => matches!(
                                run.evals[j],
                                Some(Eval {
                                    status: EvaluationStatus::Valid,
                                    ..
                                })
                            ),
                            DoseType::Total => true,
                        }
                        && (!by_age
                            || (begin.is_none_or(|b| d.date >= b)
                                && end.is_none_or(|e| d.date < e)))
                        && (!by_date
                            || (c.start_date.is_none_or(|s| d.date >= s)
                                && c.end_date.is_none_or(|e| d.date <= e)))
                })
                .count() as u32;
            let want = c.count.unwrap_or(0);
            match c.count_logic.unwrap_or(CountLogic::Greater) {
                CountLogic::Greater => count > want,
                CountLogic::Equal => count == want,
                CountLogic::Less => count < want,
            }
        }
        ConditionType::CompletedSeries => {
            c.series_groups.iter().any(|g| completed_groups.contains(g))
        }
    }
}

/// 7 Forecast a patient series: forecast skips, evidence of immunity, forecast
/// need and the forecast dates.
fn forecast_series(
    ctx: &Ctx,
    ar: &AntigenRun,
    run: &mut SeriesRun,
    immune: bool,
    completed_groups: &[u32],
) {
    let series = run.series;
    let n = series.doses.len();
    let mut t = run.next;
    let no_age = Age::default();
    // 7.1 Conditional skip in the forecast context: the reference date is the
    // later of the assessment date and the earliest date of the target dose
    // ("7 years or older at the earliest forecasted date for next dose").
    while t < n {
        let sd = &series.doses[t];
        let age = relevant_age(sd, ctx.assessment).unwrap_or(&no_age);
        let reference = forecast_dates(ctx, ar, run, sd, age)
            .earliest
            .max(ctx.assessment);
        if !skip_applies(
            ctx,
            ar,
            run,
            sd,
            SkipContext::Forecast,
            reference,
            None,
            completed_groups,
        ) {
            break;
        }
        run.targets.push(Target::Skipped);
        t += 1;
    }
    run.forecast_sd = (t < n).then_some(t);
    if immune {
        run.status = SeriesStatus::Immune;
        return;
    }
    if t >= n {
        run.status = if run.valid_count() > 0 {
            SeriesStatus::Complete
        } else {
            SeriesStatus::NotRecommended
        };
        return;
    }
    let sd = &series.doses[t];
    let age = relevant_age(sd, ctx.assessment).unwrap_or(&no_age);
    let max_age_date = ctx.age_date(age.max);
    if max_age_date.is_some_and(|m| ctx.assessment >= m) {
        run.status = SeriesStatus::AgedOut;
        return;
    }
    run.status = SeriesStatus::NotComplete;
    if let Some(season_end) = sd.season.as_ref().and_then(|s| s.end) {
        if ctx.assessment > season_end {
            // Past the seasonal recommendation end date: not complete, no dose
            // recommended until the next season's data.
            return;
        }
    }
    let dates = forecast_dates(ctx, ar, run, sd, age);
    if max_age_date.is_some_and(|m| dates.earliest >= m) {
        // The dose cannot be given before the maximum age.
        run.status = SeriesStatus::AgedOut;
        return;
    }
    run.dates = Some(dates);
    let (finish, completable) = project_completion(ctx, run, t, dates.earliest);
    run.finish = Some(finish);
    run.completable = completable;
}

/// 7.5 Generate forecast dates for the target dose `sd`.
fn forecast_dates(
    ctx: &Ctx,
    ar: &AntigenRun,
    run: &SeriesRun,
    sd: &SeriesDose,
    age: &Age,
) -> ForecastDates {
    let all = ar.aars.len();
    let on = ctx.assessment;
    let mut earliest = ctx.age_date(age.min).unwrap_or(ctx.birth);
    let mut earliest_rec_interval: Option<Date> = None;
    let mut latest_rec_interval: Option<Date> = None;
    for iv in relevant_intervals(&sd.intervals, on) {
        let Some(reference) = interval_reference(ctx, ar, run, iv, all, Date::MAX) else {
            continue;
        };
        if let Some(min) = iv.min.or(iv.abs_min) {
            earliest = earliest.max(min.after(reference));
        }
        if let Some(p) = iv.earliest_rec {
            let d = p.after(reference);
            earliest_rec_interval = Some(earliest_rec_interval.map_or(d, |x| x.max(d)));
        }
        if let Some(p) = iv.latest_rec {
            let d = p.after(reference);
            latest_rec_interval = Some(latest_rec_interval.map_or(d, |x| x.max(d)));
        }
    }
    // Latest conflict end date: a live vaccine given recently delays the next
    // live dose.
    for (j, d) in ctx.doses.iter().enumerate() {
        for v in &sd.preferable {
            if let Some(c) = ctx.data.live_virus_conflict(d.cvx, v.cvx) {
                let end = if ctx.conflicted[j] { c.end } else { c.min_end };
                earliest = earliest.max(end.after(d.date));
            }
        }
    }
    if let Some(start) = sd.season.as_ref().and_then(|s| s.start) {
        earliest = earliest.max(start);
    }
    // Not before the most recent dose evaluated against a target dose, whatever
    // its outcome (a dose given by mistake, a vaccine not allowed).
    for (k, e) in run.evals.iter().enumerate() {
        if matches!(e, Some(e) if e.sd.is_some()) {
            earliest = earliest.max(ctx.doses[ar.aars[k]].date);
        }
    }
    let unadjusted_recommended = ctx
        .age_date(age.earliest_rec)
        .or(earliest_rec_interval)
        .unwrap_or(earliest);
    let unadjusted_past_due = ctx
        .age_date(age.latest_rec)
        .or(latest_rec_interval)
        .map(day_before);
    ForecastDates {
        earliest,
        recommended: unadjusted_recommended.max(earliest),
        past_due: unadjusted_past_due.map(|p| p.max(earliest)),
        latest: ctx.age_date(age.max).map(day_before),
    }
}

/// Projects the dates of the remaining doses from the next dose's earliest
/// date by minimum ages and minimum intervals from the previous dose: the date
/// the series could be finished, and whether every remaining dose fits before
/// its maximum age (used to score series, 8.4).
fn project_completion(ctx: &Ctx, run: &SeriesRun, next: usize, earliest: Date) -> (Date, bool) {
    let mut date = earliest;
    let mut completable = true;
    let doses = &run.series.doses;
    for (k, sd) in doses.iter().enumerate().skip(next) {
        let age = relevant_age(sd, ctx.assessment);
        if k > next {
            for iv in relevant_intervals(&sd.intervals, ctx.assessment) {
                if iv.from_previous {
                    if let Some(min) = iv.min.or(iv.abs_min) {
                        date = date.max(min.after(date));
                    }
                }
            }
            if let Some(min) = age.and_then(|a| ctx.age_date(a.min)) {
                date = date.max(min);
            }
        }
        if let Some(max) = age.and_then(|a| ctx.age_date(a.max)) {
            if date >= max {
                completable = false;
            }
        }
        if sd.recurring {
            break;
        }
    }
    (date, completable)
}

/// Scores a metric where larger is better: the only series at the best value
/// gets `+points`, series tied at the best value 0, the others `-points`.
fn score_best<T: Ord + Copy>(scores: &mut [i32], values: &[Option<T>], points: i32) {
    let best = values.iter().flatten().max().copied();
    let tied = values.iter().filter(|v| v.is_some() && **v == best).count();
    for (s, v) in scores.iter_mut().zip(values) {
        if v.is_some() && *v == best {
            if tied == 1 {
                *s += points;
            }
        } else {
            *s -= points;
        }
    }
}

fn score_flag(scores: &mut [i32], flags: &[bool], yes: i32, no: i32) {
    for (s, &f) in scores.iter_mut().zip(flags) {
        *s += if f { yes } else { no };
    }
}

/// 8 Select the best patient series: one prioritized series per series group
/// (8.1 to 8.6), then which prioritized series are best (8.7).
fn select_best(ctx: &Ctx, ar: &AntigenRun, runs: &[SeriesRun]) -> Vec<usize> {
    let mut groups: Vec<u32> = Vec::new();
    for r in runs {
        if !groups.contains(&r.series.group) {
            groups.push(r.series.group);
        }
    }
    let mut prioritized: Vec<usize> = Vec::new();
    for &g in &groups {
        let members: Vec<usize> = (0..runs.len())
            .filter(|&i| runs[i].series.group == g)
            .collect();
        // 8.1 Pre-filter: scorable patient series. A standard series is
        // scorable when it has a valid dose given before its maximum age to
        // start; when no series of the group has a valid dose, the group's
        // default series stands for it (or, without one, every standard series).
        let group_has_valid = members.iter().any(|&i| runs[i].valid_count() > 0);
        let default = members.iter().copied().find(|&i| {
            runs[i].series.default
                && ctx
                    .age_date(runs[i].series.min_age_to_start)
                    .is_none_or(|m| ctx.assessment >= m)
        });
        let group_has_default = members.iter().any(|&i| runs[i].series.default);
        let scorable: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| {
                let r = &runs[i];
                let s = r.series;
                match s.series_type {
                    SeriesType::EvaluationOnly => r.status == SeriesStatus::Complete,
                    SeriesType::Risk => true,
                    SeriesType::Standard => match r.first_valid_date(ctx, ar) {
                        Some(first) => ctx.age_date(s.max_age_to_start).is_none_or(|m| first < m),
                        None => !group_has_valid && !group_has_default,
                    },
                }
            })
            .collect();
        let chosen = if scorable.is_empty() {
            default
        } else if scorable.len() == 1 {
            Some(scorable[0])
        } else {
            prioritize(ctx, ar, runs, &scorable)
        };
        if let Some(c) = chosen {
            prioritized.push(c);
        }
    }

    // 8.7 Is the prioritized patient series the best patient series?
    let mut best = Vec::new();
    for &p in &prioritized {
        let r = &runs[p];
        let equivalent_complete = prioritized.iter().any(|&o| {
            o != p
                && runs[o].status == SeriesStatus::Complete
                && r.series.equivalent_groups.contains(&runs[o].series.group)
        });
        let equivalent_risk = prioritized.iter().any(|&o| {
            o != p
                && runs[o].series.series_type == SeriesType::Risk
                && r.series.equivalent_groups.contains(&runs[o].series.group)
        });
        let is_best = r.status == SeriesStatus::Complete
            || (!equivalent_complete
                && match r.series.series_type {
                    SeriesType::EvaluationOnly => false,
                    SeriesType::Risk => true,
                    SeriesType::Standard => !equivalent_risk,
                });
        if is_best {
            best.push(p);
        }
    }
    best
}

/// 8.2 to 8.6 The prioritized series of a group with several scorable series.
fn prioritize(ctx: &Ctx, ar: &AntigenRun, runs: &[SeriesRun], scorable: &[usize]) -> Option<usize> {
    let complete: Vec<usize> = scorable
        .iter()
        .copied()
        .filter(|&i| runs[i].status == SeriesStatus::Complete)
        .collect();
    let in_process: Vec<usize> = scorable
        .iter()
        .copied()
        .filter(|&i| runs[i].status != SeriesStatus::Complete && runs[i].valid_count() > 0)
        .collect();
    let default = scorable.iter().copied().find(|&i| runs[i].series.default);
    if complete.len() == 1 {
        return Some(complete[0]);
    }
    if complete.is_empty() && in_process.len() == 1 {
        return Some(in_process[0]);
    }
    if complete.is_empty() && in_process.is_empty() {
        if let Some(d) = default {
            return Some(d);
        }
    }
    let candidates: Vec<usize> = if !complete.is_empty() {
        complete
    } else if !in_process.is_empty() {
        in_process
    } else {
        scorable.to_vec()
    };
    let mut scores = vec![0i32; candidates.len()];
    let valid: Vec<Option<usize>> = candidates
        .iter()
        .map(|&i| Some(runs[i].valid_count()))
        .collect();
    let product_all_valid: Vec<bool> = candidates
        .iter()
        .map(|&i| {
            let r = &runs[i];
            r.series.product
                && r.evals
                    .iter()
                    .flatten()
                    .all(|e| e.status == EvaluationStatus::Valid)
        })
        .collect();
    let any_valid = candidates.iter().any(|&i| runs[i].valid_count() > 0);
    let all_complete = candidates
        .iter()
        .all(|&i| runs[i].status == SeriesStatus::Complete);
    if all_complete {
        // 8.4 Complete patient series.
        score_best(&mut scores, &valid, 1);
        score_flag(&mut scores, &product_all_valid, 1, -1);
        let completed: Vec<Option<std::cmp::Reverse<Date>>> = candidates
            .iter()
            .map(|&i| runs[i].last_valid_date(ctx, ar).map(std::cmp::Reverse))
            .collect();
        score_best(&mut scores, &completed, 1);
    } else if any_valid {
        // 8.5 In-process patient series.
        score_flag(&mut scores, &product_all_valid, 2, -2);
        let completable: Vec<bool> = candidates.iter().map(|&i| runs[i].completable).collect();
        score_flag(&mut scores, &completable, 3, -3);
        score_best(&mut scores, &valid, 2);
        let remaining: Vec<Option<std::cmp::Reverse<usize>>> = candidates
            .iter()
            .map(|&i| {
                let r = &runs[i];
                r.forecast_sd
                    .map(|t| std::cmp::Reverse(r.series.doses.len() - t))
            })
            .collect();
        score_best(&mut scores, &remaining, 2);
        let finish: Vec<Option<std::cmp::Reverse<Date>>> = candidates
            .iter()
            .map(|&i| runs[i].finish.map(std::cmp::Reverse))
            .collect();
        score_best(&mut scores, &finish, 1);
    } else {
        // 8.6 No valid doses.
        let start: Vec<Option<std::cmp::Reverse<Date>>> = candidates
            .iter()
            .map(|&i| runs[i].dates.map(|d| std::cmp::Reverse(d.earliest)))
            .collect();
        score_best(&mut scores, &start, 1);
        let completable: Vec<bool> = candidates.iter().map(|&i| runs[i].completable).collect();
        score_flag(&mut scores, &completable, 1, -1);
        let product: Vec<bool> = candidates.iter().map(|&i| runs[i].series.product).collect();
        score_flag(&mut scores, &product, -1, 1);
    }
    // 8.6 Select the prioritized series: highest score, then series preference.
    candidates
        .iter()
        .copied()
        .zip(scores)
        .min_by_key(|&(i, score)| (-score, runs[i].series.preference.unwrap_or(u32::MAX), i))
        .map(|(i, _)| i)
}

/// When an antigen has more than one best series (series groups that are not
/// equivalent, e.g. the childhood and the 65+ pneumococcal groups), the one
/// that needs a dose soonest speaks for the antigen; else a complete one; else
/// the first.
fn choose_among_best(runs: &[SeriesRun], best: &[usize]) -> Option<usize> {
    let rank = |s: SeriesStatus| match s {
        SeriesStatus::NotComplete => 0,
        SeriesStatus::Complete => 1,
        SeriesStatus::Immune => 2,
        SeriesStatus::Contraindicated => 3,
        SeriesStatus::NotRecommended => 4,
        SeriesStatus::AgedOut => 5,
    };
    best.iter()
        .copied()
        .min_by_key(|&i| (rank(runs[i].status), runs[i].dates.map(|d| d.recommended)))
}

/// 9 Identify and evaluate the vaccine group.
fn combine_group(name: &str, full: bool, antigens: Vec<AntigenForecast>) -> VaccineGroupForecast {
    let statuses: Vec<SeriesStatus> = antigens
        .iter()
        .filter(|a| a.series.is_some() || a.status == SeriesStatus::Immune)
        .map(|a| a.status)
        .collect();
    let has = |s: SeriesStatus| statuses.contains(&s);
    let status = if statuses.is_empty() {
        SeriesStatus::NotRecommended
    } else if antigens.len() == 1 {
        statuses[0]
    } else if has(SeriesStatus::Contraindicated) {
        SeriesStatus::Contraindicated
    } else if has(SeriesStatus::AgedOut) {
        SeriesStatus::AgedOut
    } else if has(SeriesStatus::NotRecommended) {
        SeriesStatus::NotRecommended
    } else if has(SeriesStatus::NotComplete) {
        SeriesStatus::NotComplete
    } else if statuses.iter().all(|&s| s == SeriesStatus::Immune) {
        SeriesStatus::Immune
    } else {
        SeriesStatus::Complete
    };

    let needing: Vec<&AntigenForecast> = antigens
        .iter()
        .filter(|a| a.status == SeriesStatus::NotComplete)
        .collect();
    // Dates: the earliest date of a group whose antigens must be given together
    // (MMR) waits for the latest antigen; that of a group whose antigens may be
    // given apart (DTaP/Tdap/Td) comes with the antigen due first. The
    // recommended and past-due dates are the soonest of the antigens', not
    // before the earliest date.
    let dates = if status == SeriesStatus::NotComplete {
        let with_dates: Vec<ForecastDates> = needing.iter().filter_map(|a| a.dates).collect();
        if with_dates.is_empty() {
            None
        } else {
            let earliest = if full {
                with_dates.iter().map(|d| d.earliest).max()
            } else {
                with_dates.iter().map(|d| d.earliest).min()
            }
            .unwrap_or(Date::MIN);
            Some(ForecastDates {
                earliest,
                recommended: with_dates
                    .iter()
                    .map(|d| d.recommended)
                    .min()
                    .unwrap_or(earliest)
                    .max(earliest),
                past_due: with_dates
                    .iter()
                    .filter_map(|d| d.past_due)
                    .min()
                    .map(|p| p.max(earliest)),
                latest: with_dates.iter().filter_map(|d| d.latest).min(),
            })
        }
    } else {
        None
    };
    let dose_number = if status == SeriesStatus::NotComplete {
        needing.iter().filter_map(|a| a.dose_number).min()
    } else {
        None
    };
    let mut recommended_vaccines: Vec<u16> = Vec::new();
    if status == SeriesStatus::NotComplete {
        for a in &needing {
            for &v in &a.recommended_vaccines {
                if !recommended_vaccines.contains(&v) {
                    recommended_vaccines.push(v);
                }
            }
        }
    }

    // A dose's status for the group: not valid when it is not valid for one of
    // the antigens it counts for; otherwise valid when it counts for one of them
    // (a Tdap given after the pertussis series is complete still counts for
    // diphtheria and tetanus); otherwise extraneous.
    let rank = |s: EvaluationStatus| match s {
        EvaluationStatus::NotValid | EvaluationStatus::SubStandard => 0,
        EvaluationStatus::Valid => 1,
        EvaluationStatus::Extraneous => 2,
    };
    let mut doses: Vec<DoseEvaluation> = Vec::new();
    for a in &antigens {
        for d in &a.doses {
            match doses.iter_mut().find(|x| x.dose == d.dose) {
                None => doses.push(d.clone()),
                Some(x) => {
                    if rank(d.status) < rank(x.status) {
                        *x = d.clone();
                    }
                }
            }
        }
    }
    doses.sort_by_key(|d| (d.date, d.dose));

    VaccineGroupForecast {
        vaccine_group: name.to_owned(),
        relevant: antigens.iter().any(|a| a.series.is_some()),
        status,
        dose_number,
        dates,
        doses,
        recommended_vaccines,
        antigens,
    }
}
