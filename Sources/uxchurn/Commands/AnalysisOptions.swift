import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import UXChurn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sessions

/// Options shared by the commands that analyse logs.
/// The inputs of `report`, `check` and `map`: logs.
struct InputArguments: ParsableArguments {
    @Argument(help: "Log files, folders of rotated logs, or - for standard input.")
    var inputs: [String] = []
}

/// The date or date-time of `--from` or `--to`.
func timeBound(_ name: String, _ text: String) throws -> TimeBound {
    guard let bound = TimeBound(text) else {
        throw ValidationError("\(name) takes a date or date-time such as 2026-03-02 or 2026-03-02T18:00:00+01:00, not '\(text)'")
    }
    return bound
}

struct AnalysisOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Configuration file (default: ./uxchurn.yml; without one, report and check fit one to the logs, map and merge use the built-in generic preset).")
    var config: String?

    @Option(name: [.short, .long], help: "auto, a preset (uxchurn formats lists them), or an Apache/nginx format string.")
    var format: String?

    @Option(help: "The time zone of timestamps written without a UTC offset: an offset (+01:00) or a zone (Europe/Berlin); a written offset still wins.")
    var timezone: String?

    @Flag(help: "Any line that does not parse is an error (exit 3).")
    var strict = false

    @Option(help: "Share of unparseable lines that stops the run with exit 3, as 5% or 0.05.")
    var maxBadLines = "5%"

    @Flag(help: "Print nothing but errors (and no progress bar).")
    var quiet = false

    @Flag(help: "Draw the progress bar on stderr even when it is not a terminal.")
    var progress = false

    @Option(help: "Stop with exit 3 when the process uses more memory than this (512M, 2G).")
    var maxMemory: String?

    @Option(name: [.short, .long], help: "Parser threads (default: the processor count); 1 runs everything on one thread.")
    var jobs: Int?

    @Option(help: "Keep hits from this date or date-time on (2026-03-02, 2026-03-02T18:00, …+01:00).")
    var from: String?

    @Option(help: "Keep hits before this date or date-time.")
    var to: String?

    @Option(help: "SQLite history for nightly runs: trends, retention and churn over every stored night.")
    var state: String?

    @Option(help: "With --state: keep only the newest N days of history.")
    var keepDays: Int?

    @Option(help: "With --state: seconds to wait for another run using the state file.")
    var stateWait: Double = 60

    /// - Parameter progressBar: whether the bar may be drawn (`map` writes its lines to standard
    ///   output and draws none; `--max-memory` applies all the same).
    func runOptions(_ inputs: [String], progressBar: Bool = true) throws -> RunOptions {
        var options = RunOptions(inputs: inputs)
        options.configPath = config
        options.format = format
        options.timeZone = timezone
        options.strict = strict
        options.window = TimeWindow(from: try from.map { text throws in try timeBound("--from", text) },
                                    to: try to.map { text throws in try timeBound("--to", text) })
        if let start = options.window.from, let end = options.window.to, start.isInstant == end.isInstant, start.seconds >= end.seconds {
            throw ValidationError("--from \(from ?? "") is not before --to \(to ?? ""): the window would hold no hit")
        }
        if let jobs {
            guard jobs >= 1, jobs <= 256 else { throw ValidationError("--jobs takes 1 to 256 threads, not \(jobs)") }
            options.jobs = jobs
        }
        guard let share = parseShare(maxBadLines) else {
            throw ValidationError("--max-bad-lines takes a share such as 5% or 0.05, not '\(maxBadLines)'")
        }
        options.maxBadLineShare = share
        if let keepDays {
            guard state != nil else { throw ValidationError("--keep-days needs --state FILE") }
            guard keepDays >= 1, keepDays <= 36_500 else { throw ValidationError("--keep-days takes 1 to 36500 days, not \(keepDays)") }
        }
        guard stateWait >= 0, stateWait <= 86_400 else {
            throw ValidationError("--state-wait takes 0 to 86400 seconds, not \(stateWait)")
        }
        options.statePath = state
        options.keepDays = keepDays
        var memory: MemoryLimit?
        if let maxMemory {
            guard let bytes = MemoryLimit.parse(maxMemory) else {
                throw ValidationError("--max-memory takes a size such as 512M or 2G, not '\(maxMemory)'")
            }
            memory = MemoryLimit(limit: bytes)
        }
        // The progress bar: `--progress` forces it, `--quiet` turns it off; by default it is
        // drawn when stderr is a terminal.
        let drawsBar = progressBar && !quiet && (progress || ProgressBar.stderrIsTerminal)
        if drawsBar || memory != nil {
            options.observer = IngestMonitor(bar: drawsBar ? ProgressBar() : nil, memory: memory)
        }
        options.stateWaitSeconds = stateWait
        return options
    }
}

func parseShare(_ text: String) -> Double? {
    if text.hasSuffix("%") { return Double(text.dropLast()).map { $0 / 100 }.flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil } }
    return Double(text).flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil }
}
