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

/// Options shared by the commands that analyse logs.
struct AnalysisOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Configuration file (default: ./uxchurn.yml, else the built-in generic preset).")
    var config: String?

    @Option(name: [.short, .long], help: "auto, a preset (common, combined, combined-timed, nginx-timed), or an Apache/nginx format string.")
    var format: String?

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

    @Argument(help: "Log files, folders of rotated logs, or - for standard input.")
    var inputs: [String] = []

    func runOptions() throws -> RunOptions {
        var options = RunOptions(inputs: inputs)
        options.configPath = config
        options.format = format
        options.strict = strict
        for (name, text) in [("--from", from), ("--to", to)] {
            if let text, TimeBound(text) == nil {
                throw ValidationError("\(name) takes a date or date-time such as 2026-03-02 or 2026-03-02T18:00:00+01:00, not '\(text)'")
            }
        }
        options.window = TimeWindow(from: from.flatMap(TimeBound.init), to: to.flatMap(TimeBound.init))
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
        options.progress = quiet ? false : progress ? true : nil
        if let maxMemory {
            guard let bytes = MemoryLimit.parse(maxMemory) else {
                throw ValidationError("--max-memory takes a size such as 512M or 2G, not '\(maxMemory)'")
            }
            options.maxMemoryBytes = bytes
        }
        options.stateWaitSeconds = stateWait
        return options
    }
}

func parseShare(_ text: String) -> Double? {
    if text.hasSuffix("%") { return Double(text.dropLast()).map { $0 / 100 }.flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil } }
    return Double(text).flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and analyse access logs; write the report folder (index.html, report.md, charts/, summary.json).")

    @OptionGroup var analysis: AnalysisOptions

    @Option(name: [.short, .long], help: "Report folder.")
    var out = "uxchurn-report"

    @Flag(help: "Exit 1 when a threshold is breached, after writing the report.")
    var failOnBreach = false

    @Option(help: "Also write the threshold results as JUnit XML.")
    var junit: String?

    @Option(help: "Render with index.html.mustache and report.md.mustache from this folder instead of the built-in templates.")
    var templates: String?

    func run() throws {
        let result = try ReportJob.run(try analysis.runOptions(), out: out, templates: templates, junit: junit)
        // A JUnit file inside the report folder was written with it.
        let junitOutside = junit.flatMap { ReportFolder.relativePath(of: $0, inside: out) == nil ? $0 : nil }
        try finishReport(result, out: out, quiet: analysis.quiet, junit: junitOutside, failOnBreach: failOnBreach)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse the logs and check the thresholds: exit 0 when all hold, 1 on a breach (no HTML).")

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Write the threshold results as JUnit XML (one test case per threshold).")
    var junit: String?

    @Option(help: "Also write the JSON summary there.")
    var summaryJson: String?

    func run() throws {
        let result = try Analysis.run(try analysis.runOptions())
        let report = CheckJob.report(result)
        print(report.text(), terminator: "")
        if let junit { try CheckJob.write(report.junit(), to: junit) }
        if let summaryJson { try CheckJob.writeSummary(result, to: summaryJson) }
        if let stepSummary = getenv("GITHUB_STEP_SUMMARY").map({ String(cString: $0) }), !stepSummary.isEmpty {
            try CheckJob.append(report.markdown() + "\n", to: stepSummary)
        }
        if !result.ingest.faults.isEmpty { throw RunError.inputFaults(result.ingest.faults) }
        if report.breaches > 0 { throw RunError.breached(report.breaches) }
    }
}

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Map step (Spark, Hadoop Streaming): log lines in, one VISITOR_HASH<TAB>compact hit line out per hit.",
        discussion: """
            Reads standard input (or the inputs named), parses and classifies the lines as report does, and \
            writes each page view and action with its visitor's hash first, then the input counts as an \
            #input side record. Run reduce on the output grouped by the first field (sort, or a shuffle).
            """)

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "The first input's place in the reading order of the whole job (from --plan), so ties in time break as in one run.")
    var rank = 0

    @Flag(help: "Print the inputs in reading order, one per line, and stop: the ranks for a driver.")
    var plan = false

    @Option(help: "The name the one input goes by in the report, when it is read under another path or from standard input.")
    var name: String?

    func run() throws {
        guard rank >= 0, rank <= Int(Int32.max) else { throw ValidationError("--rank must be from 0 to \(Int32.max)") }
        var options = try analysis.runOptions()
        if plan {
            for name in try MapJob.plan(options.inputs, format: options.format) { print(name) }
            return
        }
        options.progress = false
        try MapJob.run(options, rankOffset: rank, name: name)
    }
}

struct ReduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reduce",
        abstract: "Reduce step: map output grouped by visitor hash in, one partial result (a JSON line) out.")

    @Option(name: [.short, .long], help: "Configuration file: the one map ran with.")
    var config: String?

    func run() throws {
        var options = RunOptions(inputs: [])
        options.configPath = config
        try ReduceJob.run(options)
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge reduce's partial results and write the report folder, as report does.",
        discussion: "INPUTS are files of partial results (one per line), or - for standard input.")

    @OptionGroup var analysis: AnalysisOptions

    @Option(name: [.short, .long], help: "Report folder.")
    var out = "uxchurn-report"

    @Flag(help: "Exit 1 when a threshold is breached, after writing the report.")
    var failOnBreach = false

    @Option(help: "Also write the threshold results as JUnit XML.")
    var junit: String?

    @Option(help: "Render with index.html.mustache and report.md.mustache from this folder instead of the built-in templates.")
    var templates: String?

    func run() throws {
        let result = try MergeJob.run(try analysis.runOptions(), out: out, templates: templates)
        try finishReport(result, out: out, quiet: analysis.quiet, junit: junit, failOnBreach: failOnBreach)
    }
}

/// What `report` and `merge` do after writing: the line, JUnit, and the exit code.
func finishReport(_ result: Analysis, out: String, quiet: Bool, junit: String?, failOnBreach: Bool) throws {
    let ingest = result.ingest
    if !quiet {
        printErr("uxchurn: \(ingest.lines) lines from \(ingest.files.count) input(s), \(ingest.skipped) skipped; report in \(out)/")
    }
    if let junit { try CheckJob.write(CheckJob.report(result).junit(), to: junit) }
    if !ingest.faults.isEmpty { throw RunError.inputFaults(ingest.faults) }
    let breaches = result.thresholds.filter { !$0.ok }.count
    if failOnBreach, breaches > 0 { throw RunError.breached(breaches) }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starter uxchurn.yml: a preset, or, given logs, one fitted to them.")

    @Option(help: "generic, woocommerce, magento or shopify (with logs: detected from their URLs).")
    var preset: String?

    @Option(name: [.short, .long], help: "Where to write it.")
    var out = "uxchurn.yml"

    @Flag(help: "Replace an existing file.")
    var force = false

    @Option(name: [.short, .long], help: "The logs' format (default: auto).")
    var format: String?

    @Argument(help: "Logs to fit the configuration to: ignore rules, page groups and the preset.")
    var inputs: [String] = []

    func run() throws {
        if let preset, ConfigurationPresets.named(preset) == nil {
            throw ValidationError("unknown preset '\(preset)'; expected one of: \(ConfigurationPresets.names.joined(separator: ", "))")
        }
        var text = ConfigurationPresets.named(preset ?? "generic") ?? ConfigurationPresets.generic
        var chosen = preset ?? "generic"
        if !inputs.isEmpty {
            var options = RunOptions(inputs: inputs)
            options.format = format
            options.maxBadLineShare = 1
            options.configuration = Configuration()
            let analysis = try Analysis.run(options)
            if let advice = analysis.advice(presetHint: preset) {
                chosen = advice.preset
                text = advice.yaml(presetText: ConfigurationPresets.named(advice.preset) ?? ConfigurationPresets.generic)
                printErr("uxchurn: \(advice.ignore.count) asset-like path families to ignore, \(advice.pages.count) page groups")
            }
        }
        try ConfigurationPresets.write(text, to: out, replacing: force)
        printErr("uxchurn: wrote \(out) (preset \(chosen))")
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Print the nights stored in a history file, as a table.")

    @Option(help: "The history file that report and check --state write.")
    var state: String

    func run() throws {
        print(try HistoryJob.table(state: state), terminator: "")
    }
}

struct Formats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in log formats with an example line each.")

    func run() {
        for format in LogFormat.presets {
            print("\(format.name)")
            print("  format:  \(format.source)")
            print("  example: \(LogFormat.presetExamples[format.name] ?? "")")
            print()
        }
        print("auto (the default) picks, for each input, the preset that parses its first 1,000 lines best.")
        print("Any Apache LogFormat string (with %) or nginx log_format string (with $) works too: --format '...'.")
    }
}

struct SampleLogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-logs", abstract: "Write a realistic shop's rotated access logs into DIR.")

    @Argument(help: "Folder to write into (created if missing).")
    var dir: String

    @Option(help: "Days of logs, one file per day.")
    var days = 3

    @Option(help: "Distinct visitors over the period.")
    var visitors = 1000

    @Option(help: "Random seed: the same seed writes the same logs.")
    var seed: UInt64 = 1

    @Option(help: "common, combined, combined-timed or nginx-timed.")
    var format = "combined-timed"

    func validate() throws {
        guard days >= 1, days <= 3660 else { throw ValidationError("--days must be 1 to 3660") }
        guard visitors >= 1, visitors <= 10_000_000 else { throw ValidationError("--visitors must be 1 to 10000000") }
    }

    func run() throws {
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw RunError.configuration("\(dir): cannot create: \(String(cString: strerror(errno)))")
        }
        var sample = SampleLogs()
        sample.days = days
        sample.visitors = visitors
        sample.seed = seed
        sample.format = format
        let names = try sample.write(to: dir)
        printErr("uxchurn: wrote \(names.joined(separator: ", ")) in \(dir)/")
    }
}

struct UXChurnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uxchurn",
        abstract: "Turn a web shop's access logs into a UX-churn report.",
        version: uxchurnVersion,
        subcommands: [Report.self, Check.self, Init.self, HistoryCommand.self, Formats.self, SampleLogsCommand.self,
                      MapCommand.self, ReduceCommand.self, MergeCommand.self])
}

/// A message on stderr, whole (a NUL does not cut it) and with control characters visible.
func printErr(_ message: String) {
    var bytes = Array(Escape.controls(message, keeping: ["\n", "\t"]).utf8)
    bytes.append(0x0A)
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        written += count
    }
}

/// The arguments after the program's name. Where `/proc` is not mounted, Swift's
/// `CommandLine.arguments` is empty: then the ones the C runtime saved before `main`.
func commandLineArguments() -> [String]? {
    if !CommandLine.arguments.isEmpty { return Array(CommandLine.arguments.dropFirst()) }
    guard let argv = uxchurn_saved_argv(), uxchurn_saved_argc() > 0 else { return nil }
    return (1..<Int(uxchurn_saved_argc())).compactMap { argv[$0].map { String(cString: $0) } }
}

/// Maps every failure to the documented exit codes: 2 usage or configuration, 3 input.
func main() -> Int32 {
    guard let arguments = commandLineArguments() else {
        printErr("uxchurn: error: cannot read the command line (is /proc mounted?)")
        return 2
    }
    do {
        var command = try UXChurnCommand.parseAsRoot(arguments)
        try command.run()
        return 0
    } catch let error as RunError {
        printErr("uxchurn: error: \(error.description)")
        return error.exitCode
    } catch {
        let code = UXChurnCommand.exitCode(for: error)
        let message = UXChurnCommand.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            return 0
        }
        printErr(message)
        return 2
    }
}

exit(main())
