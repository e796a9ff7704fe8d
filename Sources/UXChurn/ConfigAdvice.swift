import Sessions

/// What the logs say about a path family (the path's first segment: `/image/…`), gathered to
/// advise a configuration (issue: "advice from the logs").
struct PathFamilyStatistics: Codable {
    var views = 0
    /// Views that came within `burstSeconds` after a page view of another family by the
    /// same visitor: what a page's images and scripts do.
    var bursts = 0
    /// Views that were their session's first hit.
    var sessionStarts = 0

    mutating func add(_ other: PathFamilyStatistics) {
        views += other.views
        bursts += other.bursts
        sessionStarts += other.sessionStarts
    }
}

/// Collects per-family figures from finished sessions.
struct AdviceCollector: Codable {
    static let burstSeconds: Int64 = 2
    private(set) var families: [String] = []
    private var familyIndex: [String: Int] = [:]
    /// Path id → family id (-1: not looked at yet).
    private var familyOfPath: [Int] = []
    private(set) var statistics: [PathFamilyStatistics] = []

    init() {}

    private enum CodingKeys: String, CodingKey { case families, statistics }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let families = try container.decode([String].self, forKey: .families)
        let statistics = try container.decode([PathFamilyStatistics].self, forKey: .statistics)
        guard families.count == statistics.count else {
            throw DecodingError.dataCorruptedError(forKey: .statistics, in: container, debugDescription: "one entry per family expected")
        }
        for (family, figures) in zip(families, statistics) { self.statistics[familyID(named: family)].add(figures) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(families, forKey: .families)
        try container.encode(statistics, forKey: .statistics)
    }

    /// Adds another's families, by name.
    mutating func merge(_ other: AdviceCollector) {
        for (family, figures) in zip(other.families, other.statistics) { statistics[familyID(named: family)].add(figures) }
    }

    /// `/image/60844/x` → `/image/`; `/about` → `/about`; `/` → `/`.
    static func family(of path: String) -> String {
        let trimmed = path.dropFirst()
        guard let slash = trimmed.firstIndex(of: "/") else { return path }
        return "/" + trimmed[..<slash] + "/"
    }

    mutating func add(_ session: Session, pathText: (Int32) -> String) {
        // The time of the latest page view of another family before the current run of one family.
        var anchor: Int64?
        var previous: (family: Int, time: Int64)?
        for (index, hit) in session.hits.enumerated() where hit.isPageView {
            let family = familyID(hit.path, pathText)
            statistics[family].views += 1
            if index == 0 { statistics[family].sessionStarts += 1 }
            if let previous, previous.family != family { anchor = previous.time }
            if previous == nil { anchor = nil }
            if let anchor, hit.time - anchor <= Self.burstSeconds { statistics[family].bursts += 1 }
            previous = (family, hit.time)
        }
    }

    private mutating func familyID(_ path: Int32, _ text: (Int32) -> String) -> Int {
        let index = Int(path)
        if index < familyOfPath.count, familyOfPath[index] >= 0 { return familyOfPath[index] }
        if index >= familyOfPath.count {
            familyOfPath.append(contentsOf: repeatElement(-1, count: index + 1 - familyOfPath.count))
        }
        var name = Self.family(of: text(path))
        // Past this many families (a scanner's unique URLs) the rest share one, never proposed.
        if familyIndex[name] == nil, families.count >= Self.familyLimit { name = Self.foldedFamily }
        let id = familyID(named: name)
        familyOfPath[index] = id
        return id
    }

    static let familyLimit = PageGroups.defaultAutomaticLimit
    static let foldedFamily = ""


    private mutating func familyID(named name: String) -> Int {
        if let existing = familyIndex[name] { return existing }
        families.append(name)
        familyIndex[name] = families.count - 1
        statistics.append(PathFamilyStatistics())
        return families.count - 1
    }
}

/// A starting configuration fitted to the logs.
public struct ConfigAdvice: Sendable {
    public struct IgnoreRule: Sendable, Equatable {
        public var pattern: String
        public var views: Int
        public var burstShare: Double
        public var startShare: Double
    }

    public struct PageRule: Sendable, Equatable {
        public var name: String
        public var pattern: String
        public var views: Int
    }

    public var ignore: [IgnoreRule]
    public var pages: [PageRule]
    /// The preset whose URL shapes the logs match best.
    public var preset: String

    /// An extensionless family behaves like assets when it has at least this many views, most
    /// of them in bursts after another page, and almost never starts a session.
    static let minimumViews = 20
    static let minimumBurstShare = 0.6
    static let maximumStartShare = 0.05

    static func make(_ collector: AdviceCollector, presetHint: String?) -> ConfigAdvice {
        var ignore: [IgnoreRule] = []
        var candidates: [PageRule] = []
        var ignoredFamilies = Set<Int>()
        for (index, name) in collector.families.enumerated() where name != AdviceCollector.foldedFamily {
            let s = collector.statistics[index]
            guard s.views > 0 else { continue }
            let burst = Double(s.bursts) / Double(s.views)
            let start = Double(s.sessionStarts) / Double(s.views)
            if name.hasSuffix("/"), s.views >= minimumViews, burst >= minimumBurstShare, start <= maximumStartShare {
                ignore.append(IgnoreRule(pattern: "^" + regexEscape(name), views: s.views, burstShare: burst, startShare: start))
                ignoredFamilies.insert(index)
            } else {
                let pattern = name == "/" ? "^/$" : name.hasSuffix("/") ? "^" + regexEscape(name) : "^" + regexEscape(name) + "$"
                candidates.append(PageRule(name: pageName(name), pattern: pattern, views: s.views))
            }
        }
        ignore.sort { a, b in a.views != b.views ? a.views > b.views : a.pattern < b.pattern }
        candidates.sort { a, b in a.views != b.views ? a.views > b.views : a.pattern < b.pattern }
        var pages: [PageRule] = []
        var names = Set<String>()
        for candidate in candidates.prefix(12) {
            var rule = candidate
            var suffix = 2
            while names.contains(rule.name) { rule.name = candidate.name + "-\(suffix)"; suffix += 1 }
            names.insert(rule.name)
            pages.append(rule)
        }
        let paths = collector.families
        let preset = presetHint ?? detectPreset(paths.enumerated().map { ($0.element, collector.statistics[$0.offset].views) })
        return ConfigAdvice(ignore: ignore, pages: pages, preset: preset)
    }

    /// The preset whose URL shapes have the most views among the path families.
    static func detectPreset(_ families: [(String, Int)]) -> String {
        let signatures: [(String, [String])] = [
            ("woocommerce", ["/product/", "/product-category/"]),
            ("magento", ["/catalogsearch/", "/checkout/", "/customer/", "/catalog/"]),
            ("shopify", ["/products/", "/collections/", "/checkouts/"]),
            ("generic", ["/p/", "/c/", "/product/", "/category/", "/cart", "/checkout/"]),
        ]
        var best = ("generic", 0)
        for (preset, shapes) in signatures {
            let score = families.filter { family in shapes.contains(family.0) }.reduce(0) { $0 + $1.1 }
            if score > best.1 { best = (preset, score) }
        }
        return best.0
    }

    static func pageName(_ family: String) -> String {
        if family == "/" { return "home" }
        let name = family.split(separator: "/").first.map(String.init) ?? family
        let cleaned = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(cleaned).isEmpty ? "page" : String(cleaned)
    }

    static func regexEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// A commented `uxchurn.yml`: the fitted `ignore` and `pages`, then the preset's cart and
    /// funnels.
    public func yaml(presetText: String) -> String {
        var out = "# uxchurn configuration fitted to the logs given to `uxchurn init` (preset: \(preset)).\n"
        out += "# Every key is described in the uxchurn README, \"Configuration\". Review the guesses below before relying on them.\n"
        out += "session:\n  timeout: 30m\n  key: [ip, user_agent]\n"
        out += "# Path families requested in bursts right after another page and almost never first in a\n"
        out += "# session behave like assets (images or scripts without an extension): not pages.\n"
        out += "ignore:\n  - '^/api/'\n"
        for rule in ignore {
            out += "  - '\(rule.pattern)'   # \(rule.views) views, \(Int((rule.burstShare * 100).rounded()))% in bursts, "
            out += "\(Int((rule.startShare * 100).rounded()))% session starts\n"
        }
        out += "# The most viewed path families, as page groups (first match wins).\n"
        out += "pages:\n"
        for page in pages {
            out += "  - {name: '\(page.name)', path: '\(page.pattern)'}   # \(page.views) views\n"
        }
        // The preset's cart, funnels, load and churn sections, as written there.
        var keep = false
        for line in presetText.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#" {
                keep = line.hasPrefix("cart:") || line.hasPrefix("funnels:") || line.hasPrefix("load:") || line.hasPrefix("churn:")
            }
            if keep { out += line + "\n" }
        }
        return out
    }
}
