import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import Analysis
import UXChurn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and analyse access logs; write the report folder (index.html, report.md, charts/, summary.json).")

    @OptionGroup var analysis: AnalysisOptions

    @OptionGroup var logs: InputArguments

    @OptionGroup var folder: ReportFolderOptions

    func run() throws {
        let result = try ReportJob.run(try analysis.runOptions(logs.inputs), out: folder.out, templates: folder.templates, junit: folder.junit)
        try folder.finish(result, quiet: analysis.quiet)
    }
}

/// Where `report` and `merge` write, and what they do after.
struct ReportFolderOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Report folder.")
    var out = "uxchurn-report"

    @Flag(help: "Exit 1 when a threshold is breached, after writing the report.")
    var failOnBreach = false

    @Option(help: "Also write the threshold results as JUnit XML.")
    var junit: String?

    @Option(help: "Render with index.html.mustache and report.md.mustache from this folder instead of the built-in templates.")
    var templates: String?

    /// After the folder is written: the summary line, a JUnit file outside the folder (one
    /// inside was written with it), then gzip faults (exit 3) and breaches (exit 1).
    func finish(_ result: RunResult, quiet: Bool) throws {
        let ingest = result.ingest
        if !quiet {
            printErr("uxchurn: \(ingest.lines) lines from \(ingest.files.count) input(s), \(ingest.skipped) skipped; report in \(out)/")
        }
        if ingest.parsed == 0 {
            printErr("uxchurn: warning: no log line parsed (\(ingest.lines) lines read): the report has no figures")
        }
        if let junit, ReportFolder.relativePath(of: junit, inside: out) == nil {
            try writeText(CheckReport.make(result).junit(), to: junit)
        }
        if !ingest.faults.isEmpty { throw RunError.inputFaults(ingest.faults) }
        let breaches = result.thresholds.filter { !$0.ok }.count
        if failOnBreach, breaches > 0 { throw RunError.breached(breaches) }
    }
}
