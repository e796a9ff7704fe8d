import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis

/// Funnels and cart abandonment pinned with hand-made sessions.
@Suite struct FunnelTests {
    let config = """
    pages:
      - {name: product, path: '^/p/'}
      - {name: cart, path: '^/cart$'}
      - {name: checkout, path: '^/checkout$'}
      - {name: confirmation, path: '^/done/'}
    cart:
      add: {method: POST, path: '^/cart/add$'}
      purchase: {path: '^/done/'}
    funnels:
      - name: buy
        steps:
          - {name: product, path: '^/p/'}
          - {name: add, method: POST, path: '^/cart/add$'}
          - {name: checkout, path: '^/checkout$'}
          - {name: purchase, path: '^/done/'}
      - name: quick
        steps:
          - {name: add, method: post, path: '^/cart/add$'}
          - {name: purchase, path: '^/done/'}
    """

    func run(_ sessions: [[(String, String)]]) throws -> [String: Any] {
        let scratch = Scratch()
        var lines: [String] = []
        for (index, hits) in sessions.enumerated() {
            for (second, hit) in hits.enumerated() {
                let parts = hit.0.split(separator: " ")
                lines.append(#"192.0.2.\#(index + 1) - - [02/Mar/2026:10:00:\#(String(format: "%02d", second * 5)) -0500] "\#(parts[0]) \#(parts[1]) HTTP/1.1" \#(hit.1) 512 "-" "Mozilla/5.0 (iPhone) Mobile" 1000"#)
            }
        }
        let log = scratch.write("access.log", lines.joined(separator: "\n") + "\n")
        let configPath = scratch.write("uxchurn.yml", config)
        return try summary([log], config: configPath)
    }

    func steps(_ result: [String: Any], _ funnel: Int) -> [Int] {
        let funnels = result["funnels"] as? [[String: Any]] ?? []
        return (funnels[funnel]["steps"] as? [[String: Any]] ?? []).map { $0["sessions"] as? Int ?? -1 }
    }

    @Test func stepsCountOnlyInOrderAndOneHitReachesOneStep() throws {
        let result = try run([
            // Checkout before the product: only the product step, then nothing in order.
            [("GET /checkout", "200"), ("GET /p/1", "200")],
            // A repeated step counts once; the whole way through.
            [("GET /p/1", "200"), ("GET /p/2", "200"), ("POST /cart/add", "302"), ("GET /checkout", "200"), ("GET /done/1", "200")],
            // A GET of the add URL does not match the POST step.
            [("GET /p/3", "200"), ("GET /cart/add", "200"), ("GET /checkout", "200")],
        ])
        #expect(steps(result, 0) == [3, 1, 1, 1])
        let funnel = (result["funnels"] as? [[String: Any]])?.first
        #expect(funnel?["conversion"] as? Double == 0.333333)
        let checkoutStep = (funnel?["steps"] as? [[String: Any]])?[2]
        #expect(checkoutStep?["median_seconds_from_start"] as? Int == 15)
        #expect(checkoutStep?["conversion_from_previous"] as? Double == 1.0)
        let byDevice = funnel?["by_device"] as? [String: [String: Any]]
        #expect(byDevice?["mobile"]?["sessions"] as? Int == 3)
        #expect(byDevice?["mobile"]?["conversion"] as? Double == 0.333333)
        #expect((funnel?["by_source"] as? [String: [String: Any]])?["direct"]?["sessions"] as? Int == 3)
    }

    @Test func twoFunnelsShareStepsAndMethodsCompareCaseInsensitively() throws {
        let result = try run([[("GET /p/1", "200"), ("POST /cart/add", "302"), ("GET /done/1", "200")]])
        #expect(steps(result, 0) == [1, 1, 0, 0])
        #expect(steps(result, 1) == [1, 1])
    }

    @Test func aPurchaseBeforeTheAddDoesNotSaveTheCart() throws {
        let result = try run([
            [("GET /done/9", "200"), ("POST /cart/add", "302"), ("GET /cart", "200")],  // abandoned, left at cart
            [("POST /cart/add", "302"), ("GET /done/1", "200")],                        // saved
            [("GET /p/1", "200")],                                                       // no cart
        ])
        let cart = result["cart"] as? [String: Any]
        #expect(cart?["sessions"] as? Int == 2)
        #expect(cart?["abandoned"] as? Int == 1)
        #expect(cart?["abandonment_rate"] as? Double == 0.5)
        let leftAt = cart?["left_at"] as? [[String: Any]]
        #expect(leftAt?.first?["group"] as? String == "cart")
        #expect(steps(result, 1) == [2, 1])  // quick: both added, one purchased after
    }

    @Test func thresholdsPassFailAndNeverPassWithoutData() throws {
        let scratch = Scratch()
        let log = scratch.write("access.log", #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET /p/1 HTTP/1.1" 200 512 "-" "UA" 2000000"# + "\n")
        let configPath = scratch.write("uxchurn.yml", config + """

        thresholds:
          - {metric: bounce_rate, max: 0.5}
          - {metric: load_p95_ms, page: product, max: 3000}
          - {metric: cart_abandonment, max: 0.9}
        """)
        var options = RunOptions(inputs: [log])
        options.configPath = configPath
        let analysis = try Pipeline.run(options)
        #expect(analysis.thresholds.map(\.ok) == [false, true, false])
        #expect(analysis.thresholds.map(\.value) == [1.0, 2000.0, nil])
        #expect(analysis.thresholds.map(\.limit) == ["max 0.5", "max 3000", "max 0.9"])
        #expect(analysis.breached)
    }
}

/// Each kind of configuration mistake is exit 2 with the file, line and column.
@Suite struct ConfigurationErrorTests {
    @Test(arguments: [
        ("session:\n  timout: 30m\n", 2, "unknown key 'timout' in session"),
        ("session:\n  timeout: 30\n", 2, "session.timeout '30' is not a duration"),
        ("session:\n  timeout: 3 weeks\n", 2, "is not a duration"),
        ("pages:\n  - {name: home, path: '^/('}\n", 2, "pages.path '^/(' is not a valid regex"),
        ("pages:\n  - {name: home}\n", 2, "a pages entry needs 'name' and 'path'"),
        ("cart:\n  add: {method: POST, path: '^/a'}\n", 2, "cart needs both 'add' and 'purchase'"),
        ("funnels:\n  - name: f\n    steps:\n      - {name: a, path: '^/a'}\n", 4, "needs at least two steps"),
        ("thresholds:\n  - {metric: conversion, min: 1}\n", 2, "unknown metric 'conversion'"),
        ("thresholds:\n  - {metric: bounce_rate}\n", 2, "needs 'min' or 'max'"),
        ("thresholds:\n  - {metric: funnel_conversion, funnel: nope, min: 0.1}\n", 2, "funnel 'nope', which is not defined"),
        ("pages:\n  - {name: home, path: '^/$'}\nthresholds:\n  - {metric: exit_rate, page: cart, max: 0.1}\n", 4, "page 'cart', which is not a page group"),
        ("session:\n  key: [ip, browser]\n", 2, "unknown session.key part 'browser'"),
        ("format: [1, 2]\n", 1, "format must be non-empty text"),
        ("load:\n  apdex_t: 0ms\n", 2, "must be more than zero"),
        ("churn:\n  inactive_days: 2.5\n", 2, "whole number of days"),
        ("bots: 'x'\n", 1, "bots must be a list"),
        ("session: [\n", 0, "not valid YAML"),
    ])
    func mistakesNameTheirLine(yaml: String, line: Int, message: String) {
        do {
            _ = try Configuration.parse(yaml: yaml, file: "uxchurn.yml")
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func everyPresetIsValid() throws {
        for name in ConfigurationPresets.names {
            let text = try #require(ConfigurationPresets.named(name))
            let config = try Configuration.parse(yaml: text, file: name)
            #expect(!config.pages.isEmpty && config.cart != nil && config.funnels.count == 1, "\(name)")
        }
    }

    @Test(arguments: [("30m", 1800.0), ("500ms", 0.5), ("1.5h", 5400), ("2d", 172_800), ("45s", 45)])
    func durations(text: String, seconds: Double) {
        #expect(parseDuration(text) == seconds)
        #expect(parseDuration("30") == nil)
    }
}
