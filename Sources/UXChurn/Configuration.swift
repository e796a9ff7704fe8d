import Sessions
import LogInput
import Analysis
import LogParsing
import Reports
import Yams

/// The configuration file, validated strictly.
public struct Configuration: Sendable, Equatable {
    public var sessionTimeoutSeconds: Double = 1800
    public var sessionKey: [SessionKeyPart] = [.ip, .userAgent]
    public var siteHost: String?
    /// A preset name or format string; nil means `auto`.
    public var format: String?
    /// `timezone:`: the zone of timestamps written without a UTC offset.
    public var timeZone: TimeZoneRule?
    /// `json:`: the keys the `json` format reads, over nginx's variable names.
    public var jsonMap = JSONFieldMap.nginx
    public var ignore: [String] = ["^/api/"]
    public var bots: [String] = []
    /// Path regexes that mark a scanner's session; a list given replaces the defaults.
    public var probes: [String] = Classifier.defaultProbes
    public var pages: [PageRule] = []
    public var cart: CartRules?
    public var funnels: [FunnelDefinition] = []
    public var apdexThresholdMilliseconds: Double = 500
    public var thresholds: [ThresholdRule] = []
    public var churnInactiveDays: Int = 30
    /// Where it came from: a path, or `built-in generic preset`.
    public var source: String = "built-in defaults"

    public init() {}
}

/// A configuration mistake, located in its file.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

extension Configuration {
    /// Reads and validates a configuration file.
    ///
    /// - Throws: `ConfigurationError` naming the line and column and what was expected.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            text = try readTextFile(path)
        } catch {
            throw ConfigurationError(file: path, line: 0, column: 0, message: "cannot read: \(error)")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates configuration text; `file` names it in messages.
    public static func parse(yaml text: String, file: String) throws(ConfigurationError) -> Configuration {
        let root: Node?
        do {
            // The reader takes every scalar as text and converts it itself, so no tag needs
            // resolving: the basic resolver spares compiling Yams's resolver regexes (ICU) on
            // every run, a third of the configuration's cost.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, line: 0, column: 0, message: "not valid YAML: \(error)")
        } catch {
            throw ConfigurationError(file: file, line: 0, column: 0, message: "not valid YAML: \(error)")
        }
        var config = Configuration()
        config.source = file
        guard let root else { return config }
        let reader = ConfigReader(file: file)
        try reader.read(root, into: &config)
        return config
    }
}

/// Walks the YAML node tree, so every message can name the node's line and column.
private struct ConfigReader {
    let file: String

    func fail(_ node: Node?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message)
    }

    func mapping(_ node: Node, _ what: String, allowed: [String]) throws(ConfigurationError) -> [(String, Node, Node)] {
        guard case let .mapping(mapping) = node else { throw fail(node, "\(what) must be a mapping (key: value)") }
        var entries: [(String, Node, Node)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, "\(what): keys must be text") }
            guard allowed.contains(name) else {
                let guess = Spelling.hint(for: name, among: allowed)
                throw fail(key, "unknown key '\(name)' in \(what)\(guess); expected one of: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw fail(key, "'\(name)' appears twice in \(what)") }
            entries.append((name, key, value))
        }
        return entries
    }

    func sequence(_ node: Node, _ what: String) throws(ConfigurationError) -> [Node] {
        guard case let .sequence(sequence) = node else { throw fail(node, "\(what) must be a list") }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: String) throws(ConfigurationError) -> String {
        guard case let .scalar(scalar) = node, !scalar.string.isEmpty else { throw fail(node, "\(what) must be non-empty text") }
        return scalar.string
    }

    func number(_ node: Node, _ what: String) throws(ConfigurationError) -> Double {
        guard case let .scalar(scalar) = node, let value = Double(scalar.string), value.isFinite else {
            throw fail(node, "\(what) must be a number")
        }
        return value
    }

    func regex(_ node: Node, _ what: String) throws(ConfigurationError) -> String {
        let pattern = try string(node, what)
        do {
            _ = try PathPattern(pattern)
        } catch {
            throw fail(node, "\(what) '\(pattern)' \(error.description)")
        }
        return pattern
    }

    /// `30m`, `500ms`, `1.5h`: seconds. A bare number is an error.
    func duration(_ node: Node, _ what: String) throws(ConfigurationError) -> Double {
        let text = try string(node, what)
        guard let seconds = parseDuration(text) else {
            throw fail(node, "\(what) '\(text)' is not a duration: expected a number followed by ms, s, m, h or d (e.g. 30m)")
        }
        return seconds
    }

    /// A matcher: `path`, optional `method` and `query`; with `named`, a `name` too (a funnel step).
    func matcher(_ node: Node, _ what: String, named: Bool = false) throws(ConfigurationError) -> (name: String?, matcher: HitMatcher) {
        var name: String?
        var method: String?
        var path: String?
        var query: String?
        let allowed = (named ? ["name"] : []) + ["method", "path", "query"]
        for (key, _, value) in try mapping(node, what, allowed: allowed) {
            switch key {
            case "name": name = try string(value, "\(what).name")
            case "method": method = try string(value, "\(what).method").uppercased()
            case "query": query = try regex(value, "\(what).query")
            default: path = try regex(value, "\(what).path")
            }
        }
        if named, name == nil { throw fail(node, "\(what) needs a 'name'") }
        guard let path else { throw fail(node, "\(what) needs a 'path' regex") }
        return (name, HitMatcher(method: method, path: path, query: query))
    }

    func read(_ root: Node, into config: inout Configuration) throws(ConfigurationError) {
        let top = ["session", "site", "format", "timezone", "json", "ignore", "bots", "probes", "pages", "cart", "funnels", "load", "thresholds", "churn"]
        for (key, _, value) in try mapping(root, "the configuration", allowed: top) {
            switch key {
            case "session":
                for (name, _, item) in try mapping(value, "session", allowed: ["timeout", "key"]) {
                    if name == "timeout" {
                        let seconds = try duration(item, "session.timeout")
                        guard seconds >= 1, seconds <= 30 * 86_400 else {
                            throw fail(item, "session.timeout must be from 1s to 30d")
                        }
                        config.sessionTimeoutSeconds = seconds
                    } else {
                        config.sessionKey = try sessionKey(item)
                    }
                }
            case "site":
                for (_, _, item) in try mapping(value, "site", allowed: ["host"]) {
                    config.siteHost = try string(item, "site.host").lowercased()
                }
            case "format":
                config.format = try string(value, "format")
            case "timezone":
                let name = try string(value, "timezone")
                do throws(TimeZoneRule.Failure) {
                    config.timeZone = try TimeZoneRule.named(name)
                } catch {
                    throw fail(value, "timezone: \(error.description)")
                }
            case "json":
                for (name, _, item) in try mapping(value, "json", allowed: StructuredField.allCases.map(\.rawValue)) {
                    // `allowed` admits only the fields' names.
                    guard let field = StructuredField(rawValue: name) else { continue }
                    var keys: [String] = []
                    if case .sequence = item {
                        for key in try sequence(item, "json.\(name)") { keys.append(try string(key, "json.\(name)")) }
                    } else {
                        keys = [try string(item, "json.\(name)")]
                    }
                    guard !keys.isEmpty else { throw fail(item, "json.\(name) needs at least one key") }
                    for key in keys where key.isEmpty || key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                        throw fail(item, "json.\(name): '\(key)' is not a key (a name, or names joined by dots for keys inside objects)")
                    }
                    config.jsonMap = config.jsonMap.replacing(field, with: keys)
                }
            case "ignore":
                config.ignore = []
                for item in try sequence(value, "ignore") { config.ignore.append(try regex(item, "an ignore entry")) }
            case "bots":
                for item in try sequence(value, "bots") { config.bots.append(try string(item, "a bots entry")) }
            case "probes":
                config.probes = []
                for item in try sequence(value, "probes") { config.probes.append(try regex(item, "a probes entry")) }
            case "pages":
                config.pages = []
                for item in try sequence(value, "pages") {
                    var name: String?, path: String?
                    for (field, _, v) in try mapping(item, "a pages entry", allowed: ["name", "path"]) {
                        if field == "name" { name = try string(v, "pages.name") } else { path = try regex(v, "pages.path") }
                    }
                    guard let name, let path else { throw fail(item, "a pages entry needs 'name' and 'path'") }
                    guard !config.pages.contains(where: { $0.name == name }) else { throw fail(item, "page group '\(name)' is defined twice") }
                    config.pages.append(PageRule(name: name, path: path))
                }
            case "cart":
                var add: HitMatcher?, purchase: HitMatcher?
                for (field, _, v) in try mapping(value, "cart", allowed: ["add", "purchase"]) {
                    if field == "add" { add = try matcher(v, "cart.add").matcher } else { purchase = try matcher(v, "cart.purchase").matcher }
                }
                guard let add, let purchase else { throw fail(value, "cart needs both 'add' and 'purchase'") }
                config.cart = CartRules(add: add, purchase: purchase)
            case "funnels":
                config.funnels = []
                for item in try sequence(value, "funnels") {
                    var name: String?
                    var steps: [FunnelStep] = []
                    var stepsNode: Node?
                    for (field, _, v) in try mapping(item, "a funnel", allowed: ["name", "steps"]) {
                        if field == "name" {
                            name = try string(v, "funnel name")
                        } else {
                            stepsNode = v
                            for stepNode in try sequence(v, "funnel steps") {
                                let step = try matcher(stepNode, "a funnel step", named: true)
                                steps.append(FunnelStep(name: step.name ?? "", matcher: step.matcher))
                            }
                        }
                    }
                    guard let name else { throw fail(item, "a funnel needs a 'name'") }
                    guard steps.count >= 2 else { throw fail(stepsNode ?? item, "funnel '\(name)' needs at least two steps") }
                    guard !config.funnels.contains(where: { $0.name == name }) else { throw fail(item, "funnel '\(name)' is defined twice") }
                    config.funnels.append(FunnelDefinition(name: name, steps: steps))
                }
            case "load":
                for (_, _, item) in try mapping(value, "load", allowed: ["apdex_t"]) {
                    let seconds = try duration(item, "load.apdex_t")
                    guard seconds > 0, seconds <= 3600 else { throw fail(item, "load.apdex_t must be more than zero and at most 1h") }
                    config.apdexThresholdMilliseconds = seconds * 1000
                }
            case "thresholds":
                config.thresholds = []
                for item in try sequence(value, "thresholds") { config.thresholds.append(try threshold(item)) }
            default:  // churn
                for (_, _, item) in try mapping(value, "churn", allowed: ["inactive_days"]) {
                    let days = try number(item, "churn.inactive_days")
                    guard days >= 1, days <= 36_500, days == days.rounded() else {
                        throw fail(item, "churn.inactive_days must be a whole number of days from 1 to 36500")
                    }
                    config.churnInactiveDays = Int(days)
                }
            }
        }
        try checkReferences(config, root: root)
    }

    func sessionKey(_ node: Node) throws(ConfigurationError) -> [SessionKeyPart] {
        var parts: [SessionKeyPart] = []
        for item in try sequence(node, "session.key") {
            let text = try string(item, "a session.key part")
            switch text {
            case "ip": parts.append(.ip)
            case "user_agent": parts.append(.userAgent)
            case "user": parts.append(.user)
            default:
                guard text.hasPrefix("cookie:"), text.count > "cookie:".count else {
                    throw fail(item, "unknown session.key part '\(text)'; expected ip, user_agent, user or cookie:NAME")
                }
                parts.append(.cookie(String(text.dropFirst("cookie:".count))))
            }
        }
        guard !parts.isEmpty else { throw fail(node, "session.key needs at least one part") }
        return parts
    }

    func threshold(_ node: Node) throws(ConfigurationError) -> ThresholdRule {
        var metric: ThresholdRule.Metric?
        var rule = ThresholdRule(metric: .bounceRate, line: node.mark?.line ?? 0)
        for (key, _, value) in try mapping(node, "a threshold", allowed: ["metric", "funnel", "step", "page", "min", "max"]) {
            switch key {
            case "metric":
                let name = try string(value, "threshold metric")
                guard let known = ThresholdRule.Metric(rawValue: name) else {
                    let metrics = ThresholdRule.Metric.allCases.map(\.rawValue)
                    let guess = Spelling.hint(for: name, among: metrics)
                    throw fail(value, "unknown metric '\(name)'\(guess); expected one of: \(metrics.joined(separator: ", "))")
                }
                metric = known
            case "funnel": rule.funnel = try string(value, "threshold funnel")
            case "step": rule.step = try string(value, "threshold step")
            case "page": rule.page = try string(value, "threshold page")
            case "min": rule.min = try number(value, "threshold min")
            default: rule.max = try number(value, "threshold max")
            }
        }
        guard let metric else { throw fail(node, "a threshold needs a 'metric'") }
        rule.metric = metric
        guard rule.min != nil || rule.max != nil else { throw fail(node, "threshold \(metric.rawValue) needs 'min' or 'max'") }
        switch metric {
        case .funnelConversion:
            guard rule.funnel != nil else { throw fail(node, "funnel_conversion needs 'funnel'") }
        case .stepConversion:
            guard rule.funnel != nil, rule.step != nil else { throw fail(node, "step_conversion needs 'funnel' and 'step'") }
        case .loadP95, .exitRate:
            guard rule.page != nil else { throw fail(node, "\(metric.rawValue) needs 'page'") }
        case .cartAbandonment, .bounceRate, .errorExitRate, .frustratedSessionRate:
            break
        }
        return rule
    }

    /// A threshold that names a funnel or step the configuration does not define is an error,
    /// never a pass.
    func checkReferences(_ config: Configuration, root: Node) throws(ConfigurationError) {
        var matchers: [HitMatcher] = []
        for matcher in config.funnels.flatMap({ $0.steps.map(\.matcher) }) + [config.cart?.add, config.cart?.purchase].compactMap({ $0 })
        where !matchers.contains(matcher) {
            matchers.append(matcher)
        }
        guard matchers.count <= HitMatcher.limit else {
            throw fail(root, "funnel steps and cart matchers name \(matchers.count) different matchers; at most \(HitMatcher.limit) are supported")
        }
        for rule in config.thresholds {
            let at = ConfigurationError(file: file, line: rule.line, column: 0, message: "")
            if let funnelName = rule.funnel {
                guard let funnel = config.funnels.first(where: { $0.name == funnelName }) else {
                    var error = at
                    error.message = "threshold names funnel '\(funnelName)', which is not defined under funnels"
                    throw error
                }
                if let step = rule.step, !funnel.steps.contains(where: { $0.name == step }) {
                    var error = at
                    error.message = "threshold names step '\(step)', which funnel '\(funnelName)' does not have"
                    throw error
                }
            }
            if let page = rule.page, !config.pages.contains(where: { $0.name == page }) {
                var error = at
                error.message = "threshold names page '\(page)', which is not a page group under pages"
                throw error
            }
            if rule.metric == .cartAbandonment, config.cart == nil {
                var error = at
                error.message = "cart_abandonment needs the cart section"
                throw error
            }
        }
    }
}

/// Seconds in `30m`, `500ms`, `1.5h`, `2d`, `45s`; nil for anything else, a bare number included.
public func parseDuration(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
        let number = text.dropLast(suffix.count)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite else { continue }
        return value * scale
    }
    return nil
}
