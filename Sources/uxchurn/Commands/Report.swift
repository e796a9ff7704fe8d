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

/// What `report` and `merge` do after writing: the line, JUnit, and the exit code.
func finishReport(_ result: RunResult, out: String, quiet: Bool, junit: String?, failOnBreach: Bool) throws {
    let ingest = result.ingest
    if !quiet {
        printErr("uxchurn: \(ingest.lines) lines from \(ingest.files.count) input(s), \(ingest.skipped) skipped; report in \(out)/")
    }
    if let junit { try writeText(CheckReport.make(result).junit(), to: junit) }
    if !ingest.faults.isEmpty { throw RunError.inputFaults(ingest.faults) }
    let breaches = result.thresholds.filter { !$0.ok }.count
    if failOnBreach, breaches > 0 { throw RunError.breached(breaches) }
}
