#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import History
import LogParsing
import Reports
import Sessions

/// The history stage (`--state FILE`): the night stored, then days, retention and the change
/// since the previous night over every stored night.
enum HistoryStep {
    /// The history, opened and checked before any log is read; nil without `--state`.
    static func open(_ options: RunOptions) throws(RunError) -> HistoryStore? {
        do {
            return try options.statePath.map { path throws(HistoryError) in try HistoryStore(path: path, waitSeconds: options.stateWaitSeconds) }
        } catch {
            throw .input(error.description)
        }
    }

    /// Stores the night in `store` and publishes the result with days and retention over the
    /// whole history; the night is committed only when `publish` succeeds. Without a store,
    /// publishes `result` with retention over this run's visitors.
    ///
    /// - Parameter hashedVisitors: each visitor's retention record under the state's keyed hash.
    static func record(_ result: RunResult, in store: HistoryStore?, options: RunOptions, publish: Pipeline.Publish?,
                       hashedVisitors: (SipHash24) -> [UInt64: VisitorRecord]) throws(RunError) -> RunResult {
        let end = periodEnd(options, result.ingest)
        guard let store else {
            var complete = result
            // Partials of a cluster may carry their visitors as counts, against this same end.
            complete.retention = result.results.retentionCounts?.figures
                ?? RetentionFigures.compute(result.results.statistics.visitors.records().compactMap { $0 },
                                            end: end, inactiveDays: result.settings.churnInactiveDays)
            try publish?(complete)
            return complete
        }
        let figures = Headline.figures(result)
        let night = NightRecord(days: result.days, visitors: hashedVisitors(store.hasher),
                                headline: Headline.numbers(figures, days: Headline.days(result)), lines: result.ingest.lines)
        let keep = options.keepDays.flatMap { count in
            retentionAnchor(result.days, options: options).map { HistoryStore.Retention(count: count, anchor: $0) }
        }
        var published: Result<RunResult, RunError>?
        do {
            // Signals wait for the commit too: a report that shows a night the history lost
            // would not be whole.
            _ = try withSignalsDeferred { () throws(HistoryError) in
                try store.record(night, keep: keep, ranAt: LogTimestamp(utcSeconds: Int64(time(nil)), offsetMinutes: 0).iso8601) { snapshot in
                    var complete = result
                    complete.spansHistory = true
                    complete.previousHeadline = snapshot.previousHeadline.map { Headline.stored($0, for: figures) }
                    complete.runDays = result.days.count
                    complete.days = snapshot.days
                    let historyEnd = options.window.to == nil ? max(end, snapshot.visitors.map(\.last.lastHit).max() ?? end) : end
                    complete.retention = RetentionFigures.compute(snapshot.visitors, end: historyEnd,
                                                                  inactiveDays: result.settings.churnInactiveDays)
                    published = Result { () throws(RunError) in
                        try publish?(complete)
                        return complete
                    }
                    if case .success = published { return true }
                    return false
                }
            }
        } catch {
            throw .input(error.description)
        }
        guard let published else { throw .input("\(store.path): the night was not stored") }
        return try published.get()
    }


    /// The day `--keep-days` counts back from: the last day before `--to`, else the newest day of
    /// this run with at least a tenth of the page views of its busiest day — a few lines dated
    /// in the future do not make such a day, even on a quiet site. Never after tomorrow by the
    /// clock (a `--to` in 2100, a future day as busy as any). Nil when the run has no such day
    /// (then nothing is pruned).
    static func retentionAnchor(_ days: [DayFigures], options: RunOptions, now: Int64 = Int64(time(nil))) -> Int64? {
        let anchor: Int64?
        if let to = options.window.to {
            let last = to.seconds - 1
            anchor = last >= 0 ? last / 86_400 : (last - 86_399) / 86_400
        } else {
            let busiest = days.map(\.pageViews).max() ?? 0
            anchor = days.last { $0.pageViews > 0 && $0.pageViews * 10 >= busiest }?.day
        }
        return anchor.map { min($0, now / 86_400 + 1) }
    }

    /// The period's end for churn: `--to`, else the last hit's instant.
    static func periodEnd(_ options: RunOptions, _ ingest: IngestResult) -> Int64 {
        let last = ingest.latest
        if let to = options.window.to {
            return to.isInstant ? to.seconds : to.seconds - Int64(last?.offsetMinutes ?? 0) * 60
        }
        return last?.utcSeconds ?? 0
    }

}
