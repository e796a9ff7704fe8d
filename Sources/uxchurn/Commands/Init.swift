import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import UXChurn
import LogInput
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starter uxchurn.yml: a preset, or, given logs, one fitted to them.")

    @Option(help: "generic, woocommerce, magento or shopify (with logs: detected from their URLs).")
    var preset: String?

    @Option(name: [.short, .long], help: "Where to write it; - for standard output.")
    var out = "uxchurn.yml"

    @Flag(help: "Replace an existing file.")
    var force = false

    @Option(name: [.short, .long], help: "The logs' format (default: auto); written into the file as its format.")
    var format: String?

    @Option(help: "The time zone of timestamps written without a UTC offset (+01:00, Europe/Berlin); written into the file as its timezone.")
    var timezone: String?

    @Argument(help: "Logs to fit the configuration to: ignore rules, page groups and the preset.")
    var inputs: [String] = []

    func run() throws {
        if let preset, ConfigurationPresets.named(preset) == nil {
            let guess = Spelling.hint(for: preset, among: ConfigurationPresets.names)
            throw ValidationError("unknown preset '\(preset)'\(guess); expected one of: \(ConfigurationPresets.names.joined(separator: ", "))")
        }
        if let timezone {
            do {
                _ = try TimeZoneRule.named(timezone)
            } catch {
                throw ValidationError("--timezone: \(error.description)")
            }
        }
        // Refused before the logs are read, not after a fit that would be thrown away.
        if out != "-", !force, fileExists(out) { throw RunError.configuration("\(out) exists; use --force to replace it") }
        var text = ConfigurationPresets.named(preset ?? "generic") ?? ConfigurationPresets.generic
        var chosen = preset ?? "generic"
        if !inputs.isEmpty {
            var options = RunOptions(inputs: inputs)
            options.format = format
            options.timeZone = timezone
            let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs(inputs), options: options, presetHint: preset)
            chosen = fitted.advice.preset
            text = fitted.yaml
            printErr("uxchurn: fitted to \(fitted.sampledLines) lines: \(fitted.advice.ignore.count) asset-like path families to ignore, \(fitted.advice.pages.count) page groups")
            if fitted.sampledParsed == 0, fitted.sampledLines > 0 {
                printErr("uxchurn: warning: none of the \(fitted.sampledLines) lines parsed as format \(format ?? "auto"); the file holds the \(chosen) preset alone: name the logs' format with -f (uxchurn formats lists them)")
            }
            let shop = fitted.advice.shop
            if shop.steps.count >= 2 {
                printErr("uxchurn: funnel found: \(shop.steps.map { "\($0.name) (\($0.sessions))" }.joined(separator: " → ")), of \(shop.sessions) sessions sampled"
                    + (shop.cartAdd != nil && shop.purchase != nil ? "; cart: add and purchase" : "; no cart (no add or no order confirmation found)"))
            } else if !shop.isRecognised {
                printErr("uxchurn: no shop recognised (no add-to-cart request, no order confirmation): "
                    + (chosen == "generic" ? "no cart or funnel written; add yours" : "the \(chosen) preset's cart and funnel written; check them"))
            }
        }
        if let timezone { text = Self.recording(key: "timezone", value: timezone, in: text) }
        if let format, format != "auto" { text = Self.recording(key: "format", value: format, in: text) }
        if out == "-" {
            print(text, terminator: "")
            printErr("uxchurn: wrote the configuration to standard output (preset \(chosen))")
            return
        }
        try ConfigurationPresets.write(text, to: out, replacing: force)
        printErr("uxchurn: wrote \(out) (preset \(chosen))")
    }

    /// The configuration with `format:` (or `timezone:`) set to the one given, before its first
    /// key, so the next `report -c` reads the logs as `init` did.
    static func recording(key: String, value: String, in text: String) -> String {
        let quoted = ConfigAdvice.yamlQuoted(value)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty } ?? lines.count
        let option = key == "format" ? "-f" : "--timezone"
        lines.insert("\(key): \(quoted)   # as given to uxchurn init \(option)", at: first)
        return lines.joined(separator: "\n")
    }
}
