import Analysis
import LogInput
import LogParsing
import Sessions

/// A configuration fitted to the logs: what `uxchurn init LOGS` writes, and what a run without
/// a configuration of its own analyses with. Both read the same sample, so they agree.
public struct FittedConfiguration: Sendable {
    /// The path families ignored as assets, the page groups, the preset.
    public var advice: ConfigAdvice
    /// The commented `uxchurn.yml` `init` writes.
    public var yaml: String
    /// The configuration that YAML loads to.
    public var configuration: Configuration
    /// Lines of the sample it was fitted to.
    public var sampledLines: Int
    /// Of those, the lines that parsed.
    public var sampledParsed = 0
    /// The format most sampled lines were read as (`combined`, `custom`).
    public var sampledFormat = ""

    /// Lines a configuration is fitted to: the first ones in reading order (oldest first). Path
    /// families keep their character over a day's traffic, and the sample keeps the fitting
    /// pass short beside the whole run.
    public static let sampleLines = 30_000

    /// Where a fitted configuration says it comes from, in messages.
    static let source = "the configuration fitted to the logs"

    /// Reads about the first `sampleLines` lines of `inputs` (reading stops at the end of the
    /// chunk that reaches them) with the built-in preset, gathering how each path family is
    /// requested, and fits a configuration to them. `--from`/`--to` do not narrow the sample, so
    /// a run and `init` over the same logs fit the same configuration.
    ///
    /// - Parameter presetHint: the preset to use instead of the one the URLs suggest.
    public static func fit(_ inputs: [LogInputFile], options: RunOptions, presetHint: String?) throws(RunError) -> FittedConfiguration {
        let base = try Configuration.builtIn()
        var sampling = options
        sampling.window = TimeWindow()
        let fold = StatisticsFold(base.emptyStatistics(), inBackground: false, advice: true, referrals: true, adviceOnly: true)
        var stage = try base.hitStage(sampling, destination: .sessions(fold))
        stage.carriesQueries = true
        var ingest = try base.ingestOptions(sampling)
        ingest.referrerFamilies = true
        ingest.internQueries = true
        ingest.lineLimit = sampleLines
        let sample = try Pipeline.parse(inputs, into: &stage, options: ingest, observer: nil)
        var advice = ConfigAdvice.make(fold.advice ?? AdviceCollector(), presetHint: presetHint)
        advice.shop = fold.shop?.funnel() ?? ShopFunnel()
        let presetText = ConfigurationPresets.named(advice.preset) ?? ConfigurationPresets.generic
        let presetIgnore = ((try? Configuration.parse(yaml: presetText, file: source))?.ignore ?? []).compactMap { try? PathPattern($0) }
        // A family the preset ignores is no page group (the sample was read with the generic list).
        advice.pages.removeAll { page in presetIgnore.contains { $0.matches(page.family) } }
        if let fitted = load(advice, presetText: presetText, presetIgnore: presetIgnore.map(\.source)) {
            return FittedConfiguration(advice: advice, yaml: fitted.yaml, configuration: fitted.configuration, sampledLines: sample.lines,
                                       sampledParsed: sample.parsed, sampledFormat: sample.format)
        }
        // Rules are made only of printable, escaped family names, so this is a safety net: the
        // preset alone, which always loads.
        advice.ignore = []
        advice.pages = []
        advice.shop = ShopFunnel()
        guard let preset = load(advice, presetText: presetText, presetIgnore: presetIgnore.map(\.source)) else {
            throw .configuration("the \(advice.preset) preset does not load")
        }
        return FittedConfiguration(advice: advice, yaml: preset.yaml, configuration: preset.configuration, sampledLines: sample.lines,
                                   sampledParsed: sample.parsed, sampledFormat: sample.format)
    }

    private static func load(_ advice: ConfigAdvice, presetText: String, presetIgnore: [String]) -> (yaml: String, configuration: Configuration)? {
        let yaml = advice.yaml(presetText: presetText, presetIgnore: presetIgnore)
        guard let configuration = try? Configuration.parse(yaml: yaml, file: source) else { return nil }
        return (yaml, configuration)
    }
}
