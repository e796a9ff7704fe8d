import Analysis
import LogParsing
import Sessions

/// What each stage takes from the configuration.
extension Configuration {
    /// Whether this is the built-in preset, used when no configuration was found.
    var isBuiltIn: Bool { source == builtInSource }

    /// The parse stage's options.
    func ingestOptions(_ options: RunOptions) throws(RunError) -> IngestOptions {
        let format: LogFormat?
        do {
            format = try LogFormat.named(options.format ?? self.format ?? "auto", json: jsonMap)
        } catch {
            throw .configuration(error.description)
        }
        var ingest = IngestOptions(format: format, ignore: ignore, bots: bots)
        ingest.jsonMap = jsonMap
        if let name = options.timeZone {
            do {
                ingest.timeZone = try TimeZoneRule.named(name)
            } catch {
                throw .configuration("--timezone: \(error.description)")
            }
        } else {
            ingest.timeZone = timeZone
        }
        ingest.jobs = max(1, options.jobs)
        ingest.sessionKey = sessionKey
        ingest.probes = probes
        ingest.internQueries = StatisticsFold.matcherBits(funnels: funnels, cart: cart).matchers.contains { $0.query != nil }
        return ingest
    }

    /// Empty statistics for this configuration's page groups, funnels and cart.
    func emptyStatistics() -> SessionStatistics {
        StatisticsFold.statistics(apdexMilliseconds: apdexThresholdMilliseconds, configuredGroups: pages.count,
                                  funnels: funnels, cart: cart)
    }

    /// The session stage.
    func hitStage(_ options: RunOptions, destination: HitStage.Destination) throws(RunError) -> HitStage {
        do {
            var stage = try HitStage(pages: pages, matchers: StatisticsFold.matcherBits(funnels: funnels, cart: cart).matchers,
                                     timeoutSeconds: sessionTimeout, destination: destination,
                                     automaticGroupLimit: options.automaticGroupLimit)
            stage.window = options.window
            return stage
        } catch {
            throw .configuration("a pages regex in the configuration does not compile: \(error)")
        }
    }

    /// The session timeout in whole seconds.
    var sessionTimeout: Int64 { Int64(sessionTimeoutSeconds.rounded(.down)) }

    /// The settings the outputs show.
    var resultSettings: RunResult.Settings {
        RunResult.Settings(siteHost: siteHost, apdexThresholdMilliseconds: apdexThresholdMilliseconds,
                           churnInactiveDays: churnInactiveDays, configurationSource: isBuiltIn ? "" : source)
    }
}
