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
import Analysis
import JSON

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse the logs and check the thresholds: exit 0 when all hold, 1 on a breach (no HTML).")

    @OptionGroup var analysis: AnalysisOptions

    @OptionGroup var logs: InputArguments

    @Option(help: "Write the threshold results as JUnit XML (one test case per threshold).")
    var junit: String?

    @Option(help: "Also write the JSON summary there.")
    var summaryJson: String?

    func run() throws {
        let result = try Pipeline.run(try analysis.runOptions(logs.inputs))
        let report = CheckReport.make(result)
        printOut(report.text())
        if let junit { try writeText(report.junit(), to: junit) }
        if let summaryJson { try writeText(SummaryDocument.build(result).serialized(), to: summaryJson) }
        if let stepSummary = getenv("GITHUB_STEP_SUMMARY").map({ String(cString: $0) }), !stepSummary.isEmpty {
            try appendText(report.markdown() + "\n", to: stepSummary)
        }
        if !result.ingest.faults.isEmpty { throw RunError.inputFaults(result.ingest.faults) }
        if report.breaches > 0 { throw RunError.breached(report.breaches) }
    }
}
