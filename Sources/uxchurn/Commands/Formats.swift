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
