import Sessions

/// A starting configuration fitted to the logs.
public struct ConfigAdvice: Sendable {
    public struct IgnoreRule: Sendable, Equatable {
        public var pattern: String
        public var views: Int
        public var burstShare: Double
        public var startShare: Double
        /// Views whose referrer is a page of the site.
        public var sameSiteShare: Double
        /// Later views that came from this family's pages, per view.
        public var referralShare: Double
        /// Views fetched right after the page they name as referrer.
        public var followShare: Double
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

    /// An extensionless family (`/image/…`) behaves like assets when it has at least this many
    /// views, no page is ever reached from it (pages are followed from; images never are), and
    /// either most of its views come in bursts right after another page and almost never start
    /// a session, or most name as referrer a page of the site the visitor viewed a second or two
    /// before, whatever their share of session starts (images are fetched by the page that
    /// shows them, and also straight from a search engine's image results).
    static let minimumViews = 20
    static let minimumBurstShare = 0.6
    static let maximumStartShare = 0.05
    static let minimumSameSiteShare = 0.5
    static let minimumFollowShare = 0.5
    static let maximumReferralShare = 0.01

    public static func make(_ collector: AdviceCollector, presetHint: String?) -> ConfigAdvice {
        var ignore: [IgnoreRule] = []
        var candidates: [PageRule] = []
        var ignoredFamilies = Set<Int>()
        for (index, name) in collector.families.enumerated() where name != AdviceCollector.foldedFamily {
            let s = collector.statistics[index]
            // Control characters cannot be written in the YAML `init` writes.
            guard s.views > 0, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { continue }
            let burst = Double(s.bursts) / Double(s.views)
            let start = Double(s.sessionStarts) / Double(s.views)
            let sameSite = Double(s.sameSiteReferred) / Double(s.views)
            let referrals = Double(s.referrals) / Double(s.views)
            // A family visitors follow links from is pages, whatever else it looks like.
            let followed = collector.tracksReferrals && referrals > maximumReferralShare
            let quietAsset = burst >= minimumBurstShare && start <= maximumStartShare
            let follow = Double(s.followReferrer) / Double(s.views)
            let referredAsset = collector.tracksReferrals && sameSite >= minimumSameSiteShare && follow >= minimumFollowShare
            if name.hasSuffix("/"), name != "/", s.views >= minimumViews, !followed, quietAsset || referredAsset {
                ignore.append(IgnoreRule(pattern: "^" + regexEscape(name), views: s.views, burstShare: burst, startShare: start,
                                         sameSiteShare: sameSite, referralShare: referrals, followShare: follow))
                ignoredFamilies.insert(index)
            } else if s.errors * 2 <= s.views,  // a family mostly answered 4xx/5xx is not the site's
                      name == "/" || name.contains(where: { $0.isLetter || $0.isNumber }) {  // nor `//` or `/.`
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
}
