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
