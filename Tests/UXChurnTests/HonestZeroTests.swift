import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis
import SampleShop

/// Every file `init` writes loads, whatever the logs; a configuration that matches nothing says
/// so instead of reporting zeros.
@Suite struct HonestZeroTests {
    static func sampleShop(_ scratch: Scratch, urls: URLShape = .standard) throws -> [String] {
        var sample = SampleLogs()
        sample.days = 1
        sample.visitors = 200
        sample.urls = urls
        return try sample.write(to: scratch.path).map { scratch.path + "/" + $0 }
    }

    /// Fits a configuration as `init` does and loads the YAML it writes as `report -c` does.
    static func initLoads(_ log: String, format: String? = nil) throws -> Configuration {
        var options = RunOptions(inputs: [log])
        options.format = format
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs([log]), options: options, presetHint: nil)
        return try Configuration.parse(yaml: fitted.yaml, file: "uxchurn.yml")
    }

    @Test func initWritesAFileThatLoadsOnEmptyBotAndJunkLogs() throws {
        let scratch = Scratch()
        let empty = scratch.write("empty.log", "")
        let bots = scratch.write("bots.log", (0..<60).map { i in
            #"66.249.66.1 - - [02/Mar/2026:10:\#(10 + i / 60):\#(10 + i % 50) -0500] "GET /p/\#(i) HTTP/1.1" 200 512 "-" "Googlebot/2.1""#
        }.joined(separator: "\n") + "\n")
        var junk: [UInt8] = []
        var state: UInt64 = 7
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            junk.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        let junkPath = scratch.path + "/junk.log"
        #expect(FileManager.default.createFile(atPath: junkPath, contents: Data(junk)))
        for log in [empty, bots, junkPath] {
            let configuration = try Self.initLoads(log)
            #expect(configuration.funnels.isEmpty && configuration.cart == nil, "\(log)")
        }
    }

    @Test(.enabled(if: shared != nil, "../shared/realdata is not beside this clone"))
    func initWritesAFileThatLoadsOnEveryRealLog() throws {
        let folder = (shared ?? "") + "/realdata"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".log") || $0.hasSuffix(".gz") }.sorted()
        #expect(files.count >= 7)
        for file in files {
            let configuration = try Self.initLoads(folder + "/" + file)
            // None of these servers is a shop: nothing of one is made up.
            #expect(configuration.funnels.isEmpty && configuration.cart == nil, "\(file)")
            var options = RunOptions(inputs: [folder + "/" + file])
            options.configuration = configuration
            options.maxBadLineShare = 1
            let result = try Pipeline.run(options)
            #expect(result.unmatched.isEmpty, "\(file): \(result.unmatched.map(\.key))")
        }
    }

    /// The WooCommerce funnel a preset would give, on a shop whose URLs are other.
    static let woocommerce = """
    pages:
      - {name: product, path: '^/product/'}
      - {name: produkt, path: '^/produkt/'}
    cart:
      add: {method: POST, path: '^/(product/|$)'}
      purchase: {path: '^/checkout/order-received/'}
    funnels:
      - name: checkout
        steps:
          - {name: product, path: '^/produkt/'}
          - {name: add to cart, method: POST, path: '^/(product/|$)'}
          - {name: purchase, path: '^/checkout/order-received/'}
    thresholds:
      - {metric: funnel_conversion, funnel: checkout, min: 0.02}
      - {metric: cart_abandonment, max: 0.8}
      - {metric: exit_rate, page: produkt, max: 0.9}
      - {metric: bounce_rate, max: 0.9}
    """

    @Test func aConfigurationThatMatchesNothingSaysSoEverywhere() throws {
        let scratch = Scratch()
        let files = try Self.sampleShop(scratch, urls: .basket)
        let config = scratch.write("uxchurn.yml", Self.woocommerce)
        var options = RunOptions(inputs: files)
        options.configPath = config
        let result = try Pipeline.run(options)
        #expect(result.unmatched.map(\.key) == ["funnels[checkout].add to cart", "funnels[checkout].purchase", "cart.add",
                                                "cart.purchase", "pages[product]"])
        // The headline shows no figure for the funnel and the cart, and says why.
        let figures = Headline.figures(result)
        let funnel = try #require(figures.first { $0.key == "funnel_conversion:checkout" })
        #expect(funnel.value == nil && funnel.text == "no match")
        #expect(figures.first { $0.key == "cart_abandonment" }?.text == "no match")
        let notes = Headline.notes(result)
        #expect(notes.contains { $0.hasPrefix("No hit matched `^/checkout/order-received/` (the purchase step of funnel checkout and the cart's purchase)") })
        #expect(notes.contains { $0.hasPrefix("No page view went to page group product `^/product/`") })
        // Each threshold names what its figure depends on; one that depends on nothing missing does not.
        #expect(result.thresholds.map { $0.unmatched.map(\.key) } == [
            ["funnels[checkout].add to cart", "funnels[checkout].purchase"], ["cart.add", "cart.purchase"], [], [],
        ])
        let check = CheckReport.make(result)
        #expect(check.text().contains("no hit matched the add to cart step of funnel checkout `POST ^/(product/|$)`"))
        #expect(check.junit().contains("no hit matched the cart&apos;s add") || check.junit().contains("no hit matched the cart's add"))
        // summary.json lists them by name.
        let json = try JSONSerialization.jsonObject(with: Data(SummaryDocument.build(result).serialized().utf8)) as? [String: Any]
        let unmatched = json?["unmatched"] as? [[String: Any]]
        #expect(unmatched?.map { $0["matcher"] as? String } == result.unmatched.map(\.key))
        #expect((json?["thresholds"] as? [[String: Any]])?.first?["unmatched"] as? [String] == ["funnels[checkout].add to cart", "funnels[checkout].purchase"])
        // The report's sections say it too.
        let view = ReportBuilder.build(result, generator: "test")
        #expect(view.notices == notes)
        #expect(view.funnels.first?.notice?.hasPrefix("No hit matched steps add to cart") == true)
        #expect(view.cart?.notice != nil && view.cart?.rate == "no match")
        #expect(view.pagesNotice?.contains("product `^/product/`") == true)
    }

    @Test func aZeroConfigurationRunOfNoShopSaysSoInItsHeadline() throws {
        let scratch = Scratch()
        let log = scratch.write("access.log", (0..<200).map { i in
            let page = ["/", "/docs/install", "/docs/usage", "/blog/\(i % 7)"][i % 4]
            return #"192.0.2.\#(i / 4) - - [02/Mar/2026:10:\#(10 + i / 60):\#(10 + i % 50) -0500] "GET \#(page) HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0""#
        }.joined(separator: "\n") + "\n")
        let result = try Pipeline.run(RunOptions(inputs: [log]))
        #expect(result.shopNotRecognised)
        #expect(result.unmatched.isEmpty)
        #expect(Headline.notes(result).first?.hasPrefix("No shop was recognised in these logs") == true)
        #expect(CheckReport.make(result).text().contains("note: No shop was recognised"))
        // A shop's logs say nothing of the kind.
        let shopFolder = Scratch()
        let shop = try Pipeline.run(RunOptions(inputs: try Self.sampleShop(shopFolder)))
        #expect(!shop.shopNotRecognised && Headline.notes(shop).isEmpty)
    }
}
