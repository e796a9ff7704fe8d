import LogParsing
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
        /// The path family it stands for (`/p/`, `/about`).
        public var family: String
    }

    public var ignore: [IgnoreRule]
    public var pages: [PageRule]
    /// The preset whose URL shapes the logs match best.
    public var preset: String
    /// The shop's funnel and cart as the sampled sessions walk them.
    public var shop = ShopFunnel()

    /// An extensionless family (`/image/…`) behaves like assets when it has at least this many
    /// views, no page is ever reached from it (pages are followed from; images never are), and
    /// either most of its views come in bursts right after another page and almost never start
    /// a session, or most name as referrer a page of the site the visitor viewed a second or two
    /// before, whatever their share of session starts (images are fetched by the page that
    /// shows them, and also straight from a search engine's image results).
    static let minimumViews = 20
    static let minimumBurstShare = 0.6
    static let maximumStartShare = 0.05
    static let minimumFollowShare = 0.5
    static let maximumReferralShare = 0.01

    public static func make(_ collector: AdviceCollector, presetHint: String?) -> ConfigAdvice {
        var ignore: [IgnoreRule] = []
        var candidates: [PageRule] = []
        var ignoredFamilies = Set<Int>()
        for (index, name) in collector.families.enumerated() where name != AdviceCollector.foldedFamily {
            let s = collector.statistics[index]
            guard s.views > 0, Self.writable(name) else { continue }
            let burst = Double(s.bursts) / Double(s.views)
            let start = Double(s.sessionStarts) / Double(s.views)
            let sameSite = Double(s.sameSiteReferred) / Double(s.views)
            let referrals = Double(s.referrals) / Double(s.views)
            // A family visitors follow links from is pages, whatever else it looks like.
            let followed = collector.tracksReferrals && referrals > maximumReferralShare
            let quietAsset = burst >= minimumBurstShare && start <= maximumStartShare
            let follow = Double(s.followReferrer) / Double(s.views)
            let referredAsset = collector.tracksReferrals && follow >= minimumFollowShare
            if name.hasSuffix("/"), name != "/", s.views >= minimumViews, !followed, quietAsset || referredAsset {
                guard Self.compiles("^" + regexEscape(name)) else { continue }
                ignore.append(IgnoreRule(pattern: "^" + regexEscape(name), views: s.views, burstShare: burst, startShare: start,
                                         sameSiteShare: sameSite, referralShare: referrals, followShare: follow))
                ignoredFamilies.insert(index)
            } else if s.errors * 2 <= s.views,  // a family mostly answered 4xx/5xx is not the site's
                      name == "/" || name.contains(where: { $0.isLetter || $0.isNumber }) {  // nor `//` or `/.`
                let pattern = name == "/" ? "^/$" : name.hasSuffix("/") ? "^" + regexEscape(name) : "^" + regexEscape(name) + "$"
                guard Self.compiles(pattern) else { continue }
                candidates.append(PageRule(name: pageName(name), pattern: pattern, views: s.views, family: name))
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

    /// The preset whose URL shapes occur: at least two of its path families, one of them its
    /// own (`/product-category/` is WooCommerce's; `/product/` alone is any shop's), the one
    /// with the most views among those; else `generic`.
    static func detectPreset(_ families: [(String, Int)]) -> String {
        let signatures: [(preset: String, own: [String], shared: [String])] = [
            ("woocommerce", ["/product-category/", "/my-account/", "/wp-content/"], ["/product/", "/shop/", "/cart/", "/checkout/"]),
            ("magento", ["/catalogsearch/", "/catalog/"], ["/checkout/", "/customer/"]),
            ("shopify", ["/collections/", "/checkouts/"], ["/products/", "/cart", "/cart/"]),
        ]
        let views = Dictionary(families.filter { $0.1 > 0 }, uniquingKeysWith: +)
        var best = ("generic", 0)
        for signature in signatures {
            let own = signature.own.filter { views[$0] != nil }
            let all = own + signature.shared.filter { views[$0] != nil }
            guard !own.isEmpty, all.count >= 2 else { continue }
            let score = all.reduce(0) { $0 + (views[$1] ?? 0) }
            if score > best.1 { best = (signature.preset, score) }
        }
        return best.0
    }

    static func pageName(_ family: String) -> String {
        if family == "/" { return "home" }
        let name = family.split(separator: "/").first.map(String.init) ?? family
        let cleaned = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(cleaned).isEmpty ? "page" : String(cleaned)
    }

    /// Escapes regex syntax scalar by scalar (a `(` with a combining mark after it is one
    /// `Character`, but still a parenthesis to the regex engine).
    static func regexEscape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if "\\^$.|?*+()[]{}".unicodeScalars.contains(scalar) { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }

    /// Whether a rule passes the checks a configuration's regexes must (Swift's `Regex` reads an
    /// escaped `(` followed by a combining mark as one escape, and refuses it).
    static func compiles(_ pattern: String) -> Bool {
        (try? PathPattern(pattern)) != nil
    }

    /// Whether a family name can become a rule in the YAML `init` writes and a regex: printable
    /// (no C0 or C1 controls, no line or paragraph separator, no noncharacter) and at most 200
    /// bytes; a longer or stranger one is a scanner's, not the site's.
    static func writable(_ family: String) -> Bool {
        family.utf8.count <= 200 && family.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return value >= 0x20 && !(0x7F...0x9F).contains(value) && value != 0x2028 && value != 0x2029
                && value != 0xFFFE && value != 0xFFFF
        }
    }
}
