import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis

/// `uxchurn init LOGS`: extensionless images requested in bursts after a page are advised as
/// `ignore` rules; the most viewed families become page groups; the preset follows the URLs.
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
        var options = RunOptions(inputs: [log])
        options.configuration = Configuration()
        let analysis = try Pipeline.run(options)
        let advice = try #require(analysis.advice())
        #expect(advice.ignore.map(\.pattern) == ["^/image/"])
        #expect(advice.ignore.first?.views == 240)
        #expect(advice.pages.map(\.pattern) == ["^/products/", "^/$"])
        #expect(advice.pages.map(\.name) == ["products", "home"])
        #expect(advice.preset == "shopify")
        // The YAML it writes is a valid configuration with the preset's funnel.
        let yaml = advice.yaml(presetText: ConfigurationPresets.shopify)
        let config = try Configuration.parse(yaml: yaml, file: "fitted")
        #expect(config.ignore == ["^/api/", "^/image/"])
        #expect(config.funnels.first?.steps.first?.matcher.path == "/products/")
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

    @Test func familiesAndNames() {
        #expect(AdviceCollector.family(of: "/image/1/x") == "/image/")
        #expect(AdviceCollector.family(of: "/about") == "/about")
        #expect(AdviceCollector.family(of: "/") == "/")
        #expect(ConfigAdvice.pageName("/product-category/") == "product-category")
        #expect(ConfigAdvice.regexEscape("/a.b+c/") == "/a\\.b\\+c/")
    }
}
