import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis
import SampleShop

/// `uxchurn init LOGS` and runs without a configuration: extensionless images fetched right after
/// a page are `ignore` rules; the most viewed families become page groups; the preset follows
/// the URLs; a family visitors follow links from is never ignored.
@Suite struct AdviceTests {
    func shopLog(productPrefix: String) -> String {
        var lines: [String] = []
        let ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"
        for visitor in 0..<40 {
            var second = visitor * 60
            func add(_ path: String) {
                let time = String(format: "%02d:%02d:%02d", 10 + second / 3600, second / 60 % 60, second % 60)
                lines.append(#"192.0.2.\#(visitor) - - [02/Mar/2026:\#(time) -0500] "GET \#(path) HTTP/1.1" 200 512 "-" "\#(ua)" 1000"#)
            }
            add("/")
            for item in 0..<3 {
                second += 20
                add("\(productPrefix)\(visitor * 10 + item)-hat")
                // Product images without an extension, in the second after the page.
                add("/image/\(visitor * 10 + item)/productModel/200x200")
                second += 1
                add("/image/\(visitor * 10 + item)/productModel/800x800")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func extensionlessImagesAreAdvisedAsIgnoreRules() throws {
        let scratch = Scratch()
        let log = scratch.write("access.log", shopLog(productPrefix: "/products/"))
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs([log]), options: RunOptions(inputs: [log]), presetHint: nil)
        let advice = fitted.advice
        #expect(advice.ignore.map(\.pattern) == ["^/image/"])
        #expect(advice.ignore.first?.views == 240)
        #expect(advice.pages.map(\.pattern) == ["^/products/", "^/$"])
        #expect(advice.pages.map(\.name) == ["products", "home"])
        // `/products/` alone is any shop's shape, not Shopify's; no cart and no order page is
        // there, so no funnel is made up.
        #expect(advice.preset == "generic")
        #expect(!advice.shop.isRecognised)
        // The YAML it writes is a valid configuration with the preset's ignore list.
        let config = try Configuration.parse(yaml: fitted.yaml, file: "fitted")
        #expect(config.ignore == ["^/api/", "^/healthz$", "^/wp-admin/", "^/wp-json/", "^/image/"])
        #expect(config.funnels.isEmpty && config.cart == nil)
        #expect(fitted.yaml.contains("# No add-to-cart request and no order confirmation was recognised"))
        #expect(config.ignore == fitted.configuration.ignore && config.pages == fitted.configuration.pages)
    }

    @Test func theZeroConfigurationSummaryCarriesTheAdvice() throws {
        let scratch = Scratch()
        let log = scratch.write("access.log", shopLog(productPrefix: "/p/"))
        let result = try summary([log])  // no --config, no ./uxchurn.yml here: the built-in preset
        let advice = result["advice"] as? [String: Any]
        #expect((advice?["ignore"] as? [[String: Any]])?.first?["path"] as? String == "^/image/")
        #expect(advice?["preset"] as? String == "generic")
        // With a configuration of one's own, no advice.
        #expect(try summary([log], config: fixtures + "/golden/uxchurn.yml")["advice"] == nil)
    }

    /// The sample shop with its product images at `/image/N/product/200x200`, a fifth of them
    /// without a referrer (so they start sessions): fitted without a configuration, the images
    /// are ignored and nothing else is, and the page views are those of the same shop whose
    /// images have an extension.
    @Test func aShopWithExtensionlessImagesGivesTheSamePageViews() throws {
        let scratch = Scratch()
        func shop(_ name: String, imagesWithoutExtension: Bool) throws -> String {
            let folder = scratch.path + "/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var sample = SampleLogs()
            sample.days = 2
            sample.visitors = 1500
            sample.imagesWithoutExtension = imagesWithoutExtension
            _ = try sample.write(to: folder)
            return folder
        }
        let plain = try shop("plain", imagesWithoutExtension: false)
        let bare = try shop("bare", imagesWithoutExtension: true)
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs([bare]), options: RunOptions(inputs: [bare]), presetHint: nil)
        #expect(fitted.advice.ignore.map(\.pattern) == ["^/image/"])
        #expect(fitted.configuration.ignore == ["^/api/", "^/healthz$", "^/wp-admin/", "^/wp-json/", "^/image/"])
        let pages = Set(fitted.advice.pages.map(\.pattern))
        #expect(pages.isSuperset(of: ["^/p/", "^/c/", "^/$", "^/cart$", "^/checkout$"]))
        let withExtensions = try summary([plain])
        let without = try summary([bare])
        func figure(_ json: [String: Any], _ section: String, _ key: String) -> Int? { (json[section] as? [String: Any])?[key] as? Int }
        #expect(figure(without, "input", "page_views") == figure(withExtensions, "input", "page_views"))
        #expect(figure(without, "traffic", "sessions") == figure(withExtensions, "traffic", "sessions"))
        #expect(figure(without, "input", "ignored_requests") ?? 0 > figure(withExtensions, "input", "ignored_requests") ?? 0)
        let advice = without["advice"] as? [String: Any]
        #expect(advice?["applied"] as? Bool == true)
        #expect((advice?["ignore"] as? [[String: Any]])?.map { $0["path"] as? String } == ["^/image/"])
    }

    /// A family that starts sessions, comes right after another page and names the site as
    /// referrer, but that visitors follow links from, is pages: it stays.
    @Test func aFamilyVisitorsFollowLinksFromIsNeverIgnored() throws {
        var collector = AdviceCollector()
        var session = Session(visitor: 0, hits: [])
        let names = ["/", "/p/1", "/p/2", "/cart"]
        func hit(_ time: Int64, _ path: Int32, referrer: Int32) -> Hit {
            var hit = Hit(time: time, offsetMinutes: 0, inputRank: 0, line: time, visitor: 0, isPageView: true, status: 200,
                          responseMicroseconds: -1, path: path, group: 0, method: 0, agent: 0, referrerHost: 0)
            hit.referrerFamily = referrer
            return hit
        }
        // Referrer families: 0 `/`, 1 `/p/`, 2 `/cart`.
        session.hits = [hit(0, 0, referrer: -1), hit(1, 1, referrer: 0), hit(2, 2, referrer: 1), hit(3, 3, referrer: 1)]
        for _ in 0..<30 { collector.add(session, pathText: { names[Int($0)] }, referrerFamily: { ["/", "/p/", "/cart"][Int($0)] }) }
        let advice = ConfigAdvice.make(collector, presetHint: nil)
        #expect(advice.ignore.isEmpty)
        #expect(advice.pages.map(\.pattern).contains("^/p/"))
    }

    /// Whatever the paths were, the file `init` writes loads: names a YAML scalar or a regex
    /// cannot hold are not proposed, and regex syntax is escaped scalar by scalar.
    @Test func oddPathsStillGiveAConfigurationThatLoads() throws {
        let scratch = Scratch()
        var lines: [String] = []
        let odd = ["/it's/", "/(\u{301}x/", "/a\u{85}b/", "/\u{2028}/", "/[x/", "/" + String(repeating: "y", count: 300) + "/", "/ok/"]
        for (visitor, path) in odd.enumerated() {
            for item in 0..<25 {
                let second = String(format: "%02d", item)
                lines.append(#"192.0.2.\#(visitor) - - [02/Mar/2026:10:\#(second):00 -0500] "GET \#(path)\#(item) HTTP/1.1" 200 5 "-" "Mozilla/5.0 (X11)""#)
            }
        }
        let log = scratch.write("access.log", lines.joined(separator: "\n") + "\n")
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs([log]), options: RunOptions(inputs: [log]), presetHint: nil)
        #expect(try Configuration.parse(yaml: fitted.yaml, file: "fitted").pages == fitted.configuration.pages)
        let families = Set(fitted.advice.pages.map(\.family))
        #expect(families.contains("/ok/"))
        #expect(families.contains("/it's/"))
        #expect(families.contains("/[x/"))
        #expect(!families.contains("/a\u{85}b/"))
        #expect(!families.contains("/" + String(repeating: "y", count: 300) + "/"))
    }

    @Test func familiesAndNames() {
        #expect(AdviceCollector.family(of: "/image/1/x") == "/image/")
        #expect(AdviceCollector.family(of: "/about") == "/about")
        #expect(AdviceCollector.family(of: "/") == "/")
        #expect(ConfigAdvice.pageName("/product-category/") == "product-category")
        #expect(ConfigAdvice.regexEscape("/a.b+c/") == "/a\\.b\\+c/")
        #expect(ConfigAdvice.regexEscape("/(\u{301}/") == "/\\(\u{301}/")
    }
}
