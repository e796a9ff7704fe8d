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

    /// Lines a configuration is fitted to: the first ones in reading order (oldest first). Path
    /// families keep their character over a day's traffic, and the sample keeps the fitting
    /// pass short beside the whole run.
    public static let sampleLines = 30_000

    /// Where a fitted configuration says it comes from, in messages.
    static let source = "the configuration fitted to the logs"

    /// Reads the first `sampleLines` lines of `inputs` with the built-in preset, gathering how
    /// each path family is requested, and fits a configuration to them.
    ///
    /// - Parameter presetHint: the preset to use instead of the one the URLs suggest.
    public static func fit(_ inputs: [LogInputFile], options: RunOptions, presetHint: String?) throws(RunError) -> FittedConfiguration {
        let base = try loadBuiltIn()
        let fold = StatisticsFold(base.emptyStatistics(), inBackground: false, advice: true, referrals: true, adviceOnly: true)
        var stage = try base.hitStage(options, destination: .sessions(fold))
        var ingest = try base.ingestOptions(options)
        ingest.referrerFamilies = true
        ingest.lineLimit = sampleLines
        let sample = try Pipeline.parse(inputs, into: &stage, options: ingest, observer: nil)
        let advice = ConfigAdvice.make(fold.advice ?? AdviceCollector(), presetHint: presetHint)
        let yaml = advice.yaml(presetText: ConfigurationPresets.named(advice.preset) ?? ConfigurationPresets.generic)
        let configuration: Configuration
        do {
            configuration = try Configuration.parse(yaml: yaml, file: source)
        } catch {
            throw .configuration("the configuration fitted to the logs does not load (\(error.description)); run uxchurn init LOGS and correct it")
        }
        return FittedConfiguration(advice: advice, yaml: yaml, configuration: configuration, sampledLines: sample.lines)
    }

    static func loadBuiltIn() throws(RunError) -> Configuration {
        do {
            return try Configuration.parse(yaml: ConfigurationPresets.generic, file: builtInSource)
        } catch {
            throw .configuration(error.description)
        }
    }
}
