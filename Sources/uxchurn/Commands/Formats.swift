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
            // W3C examples are a `#Fields:` directive and a line.
            let example = (LogFormat.presetExamples[format.name] ?? "").replacing("\n", with: "\n           ")
            print("  example: \(example)")
            print()
        }
        print("auto (the default) picks, for each input, the preset that parses its first 1,000 lines best.")
        print("Any Apache LogFormat string (with %) or nginx log_format string (with $) works too: --format '...'.")
        print("json reads other keys when uxchurn.yml names them: json: {time: ts, address: client_ip, request: req}.")
    }
}
