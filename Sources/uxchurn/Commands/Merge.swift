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

    @Argument(help: "Files of partial results (reduce's output, a JSON line each), or - for standard input.")
    var inputs: [String] = []

    @OptionGroup var folder: ReportFolderOptions

    @Flag(help: "Write the merged partial result to standard output (a JSON line) instead of the report: a step of a tree of merges.")
    var partial = false

    func run() throws {
        if partial {
            // What only a report folder or a history uses has no place in a partial result.
            let unused = [("--state", analysis.state != nil), ("--junit", folder.junit != nil),
                          ("--templates", folder.templates != nil), ("--fail-on-breach", folder.failOnBreach)]
            if let (name, _) = unused.first(where: \.1) {
                throw ValidationError("\(name) belongs to the merge that writes the report; merge --partial writes a partial result only")
            }
            try MergeJob.partial(try analysis.runOptions(inputs, progressBar: false), to: STDOUT_FILENO)
            return
        }
        let result = try MergeJob.run(try analysis.runOptions(inputs), out: folder.out, templates: folder.templates, junit: folder.junit)
        try folder.finish(result, quiet: analysis.quiet)
    }
}
