import Foundation
import Testing
@testable import UXChurn
@testable import LogParsing
@testable import Sessions
@testable import Reports
@testable import Analysis
import SampleShop

/// Shop discovery: `uxchurn init LOGS` and a run without a configuration find the product,
/// add-to-cart, checkout and confirmation requests from the site's own words and how sessions
/// walk them, and the outputs say when a configured matcher matched nothing.
@Suite struct ShopDiscoveryTests {
    // MARK: Reading one request

    @Test(arguments: [
        // A real shop's shapes: `GET /basket/add/<id>`, `/basket/view`, `/basket/checkout`.
        ("/basket/add/55839", "", ShopRole.add, "^/basket/add/", nil),
        ("/basket/view", "", .cart, "^/basket/view/?$", nil),
        ("/basket/checkout", "", .checkout, "^/basket/checkout/?$", nil),
        ("/basket/storeShippingAddress", "", .checkout, "^/basket/storeShippingAddress/?$", nil),
        ("/product/55839/wool-hat", "", .product, "^/product/", nil),
        ("/p/12-item", "", .product, "^/p/", nil),
        // Query-string actions (Splunk's Buttercup Games, WooCommerce).
        ("/cart.do", "action=addtocart&itemId=EST-6", .add, "^/cart\\.do(;|$)", "(^|&)action=addtocart(&|$)"),
        ("/cart.do", "action=purchase&itemId=EST-6", .purchase, "^/cart\\.do(;|$)", "(^|&)action=purchase(&|$)"),
        ("/cart.do", "action=view", .cart, "^/cart\\.do(;|$)", "(^|&)action=view(&|$)"),
        ("/product.screen", "productId=WC-SH-G04", .product, "^/product\\.screen/?$", nil),
        ("/shop/", "add-to-cart=12", .add, "^/", "(^|&)add-to-cart="),
        ("/", "wc-ajax=add_to_cart", .add, "^/(;|$)", "(^|&)wc-ajax=add_to_cart(&|$)"),
        // WooCommerce, Magento, Shopify.
        ("/checkout/order-received/4711/", "key=wc_order_x", .purchase, "^/checkout/order-received/", nil),
        ("/checkout/cart/add/uenc/aHR0cHM6/product/12/", "", .add, "^/checkout/cart/add/", nil),
        ("/checkout/cart/", "", .cart, "^/checkout/cart/?$", nil),
        ("/checkout/onepage/success/", "", .purchase, "^/checkout/onepage/success/?$", nil),
        ("/checkouts/c1/thank_you", "", .purchase, "^/checkouts/[^/]+/thank_you/?$", nil),
        // Other languages, percent-encoded as logged.
        ("/warenkorb/hinzufuegen/12", "", .add, "^/warenkorb/hinzufuegen/", nil),
        ("/kasse", "", .checkout, "^/kasse/?$", nil),
        ("/commande/merci/123", "", .purchase, "^/commande/merci/", nil),
        ("/carrito", "", .cart, "^/carrito/?$", nil),
        ("/%D0%BA%D0%BE%D1%80%D0%B7%D0%B8%D0%BD%D0%B0/", "", .cart, "^/%D0%BA%D0%BE%D1%80%D0%B7%D0%B8%D0%BD%D0%B0/?$", nil),
        ("/sepet/ekle/5", "", .add, "^/sepet/ekle/", nil),
        // The first parameter names nothing; the action does. A session id is no part of the page.
        ("/cart.do;jsessionid=SD6SL8", "page=2&action=addtocart", .add, "^/cart\\.do(;|$)", "(^|&)action=addtocart(&|$)"),
        ("/cart//add", "", .add, "^/cart/[^/]*/add/?$", nil),
    ] as [(String, String, ShopRole, String, String?)])
    func aRequestIsReadFromTheSitesWords(path: String, query: String, role: ShopRole, pattern: String, queryPattern: String?) throws {
        let found = try #require(ShopCollector.classify(path: path, query: query))
        #expect(found.role == role)
        #expect(found.path == pattern)
        #expect(found.query == queryPattern)
        #expect(try PathPattern(found.path).matches(path))
    }

    @Test(arguments: [
        ("/product/", ""),  // a list of products
        ("/filter/color-red", ""),
        ("/c/shoes-and-bags", ""),
        ("/my-account/orders/", ""),
        ("/product/12/red-leather-shopping-bag", "x=1"),
        ("/search", "q=cart"),
        ("/blog/how-we-ship-your-order-fast", ""),
        ("/product-category/hats/", ""),
        ("/kategorie/produkte/", ""),
    ])
    func otherPagesNameNoShopStep(path: String, query: String) {
        let found = ShopCollector.classify(path: path, query: query)
        #expect(found == nil || found?.role == .product, "\(path): \(String(describing: found))")
        if path != "/product/12/red-leather-shopping-bag" { #expect(found == nil) }
    }

    // MARK: Whole shops

    /// What a user would write by hand for each `sample-logs --urls` shape.
    static func handWritten(_ shape: URLShape) -> String {
        switch shape {
        case .standard:
            return """
            cart:
              add: {method: POST, path: '^/cart/add$'}
              purchase: {path: '^/order/confirmation/'}
            funnels:
              - name: checkout
                steps:
                  - {name: product, path: '^/p/'}
                  - {name: add to cart, method: POST, path: '^/cart/add$'}
                  - {name: checkout, path: '^/checkout$'}
                  - {name: payment, path: '^/checkout/payment$'}
                  - {name: purchase, path: '^/order/confirmation/'}
            """
        case .basket:
            return """
            cart:
              add: {path: '^/basket/add/'}
              purchase: {path: '^/bestellung/danke/'}
            funnels:
              - name: checkout
                steps:
                  - {name: product, path: '^/produkt/'}
                  - {name: add to cart, path: '^/basket/add/'}
                  - {name: checkout, path: '^/basket/kasse$'}
                  - {name: payment, path: '^/basket/zahlung$'}
                  - {name: purchase, path: '^/bestellung/danke/'}
            """
        case .persian:
            return """
            cart:
              add: {method: POST, path: '^/cart/add$'}
              purchase: {path: '^/order/confirmation/'}
            funnels:
              - name: checkout
                steps:
                  - {name: product, path: '^/m/product/'}
                  - {name: add to cart, method: POST, path: '^/cart/add$'}
                  - {name: checkout, path: '^/checkout$'}
                  - {name: payment, path: '^/checkout/payment$'}
                  - {name: purchase, path: '^/order/confirmation/'}
            """
        case .query:
            return """
            cart:
              add: {path: '^/cart\\.do$', query: '(^|&)action=addtocart(&|$)'}
              purchase: {path: '^/cart\\.do$', query: '(^|&)action=purchase(&|$)'}
            funnels:
              - name: checkout
                steps:
                  - {name: product, path: '^/product\\.screen$'}
                  - {name: add to cart, path: '^/cart\\.do$', query: '(^|&)action=addtocart(&|$)'}
                  - {name: checkout, path: '^/cart\\.do$', query: '(^|&)action=checkout(&|$)'}
                  - {name: payment, path: '^/cart\\.do$', query: '(^|&)action=payment(&|$)'}
                  - {name: purchase, path: '^/cart\\.do$', query: '(^|&)action=purchase(&|$)'}
            """
        }
    }

    @Test(arguments: URLShape.allCases)
    func initProposesTheFunnelAUserWouldWrite(shape: URLShape) throws {
        let scratch = Scratch()
        var sample = SampleLogs()
        sample.days = 2
        sample.visitors = 400
        sample.urls = shape
        let files = try sample.write(to: scratch.path).map { scratch.path + "/" + $0 }
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs(files), options: RunOptions(inputs: files), presetHint: nil)
        // The file `init` writes loads, and is the configuration fitted.
        let written = try Configuration.parse(yaml: fitted.yaml, file: "uxchurn.yml")
        #expect(written.funnels == fitted.configuration.funnels && written.cart == fitted.configuration.cart)
        #expect(fitted.advice.shop.isRecognised)
        // Each step line says how many sampled sessions reached it.
        let stepLines = fitted.yaml.split(separator: "\n").filter { $0.hasPrefix("      - {name:") }
        #expect(stepLines.count == 5)
        #expect(stepLines.allSatisfy { $0.contains(" sampled sessions reached it") })

        func run(_ configuration: Configuration) throws -> RunResult {
            var options = RunOptions(inputs: files)
            options.configuration = configuration
            return try Pipeline.run(options)
        }
        let byHand = try run(Configuration.parse(yaml: Self.handWritten(shape), file: "hand.yml"))
        let proposed = try run(fitted.configuration)
        let mine = try #require(proposed.results.statistics.funnels.first)
        let theirs = try #require(byHand.results.statistics.funnels.first)
        #expect(mine.reached == theirs.reached)
        #expect(theirs.reached.allSatisfy { $0 > 0 })
        #expect(mine.conversion == theirs.conversion)
        #expect(proposed.results.statistics.cart?.sessions == byHand.results.statistics.cart?.sessions)
        #expect(proposed.results.statistics.cart?.abandoned == byHand.results.statistics.cart?.abandoned)
        #expect(proposed.unmatched.isEmpty)
        // A run without a configuration analyses with the same funnel.
        let zero = try Pipeline.run(RunOptions(inputs: files))
        #expect(zero.results.statistics.funnels.first?.reached == theirs.reached)
        #expect(!zero.shopNotRecognised)
    }

    @Test func stepsAreNamedFromTheSitesWords() throws {
        let scratch = Scratch()
        var sample = SampleLogs()
        sample.days = 1
        sample.visitors = 300
        sample.urls = .basket
        let files = try sample.write(to: scratch.path).map { scratch.path + "/" + $0 }
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs(files), options: RunOptions(inputs: files), presetHint: nil)
        #expect(fitted.advice.shop.steps.map(\.name) == ["produkt", "basket add", "basket kasse", "basket zahlung", "bestellung danke"])
        #expect(fitted.advice.shop.steps.map(\.role) == [.product, .add, .checkout, .checkout, .purchase])
        // The preset is not guessed from `/produkt/` or the cart's words.
        #expect(fitted.advice.preset == "generic")
    }

    /// A WooCommerce shop: the add-to-cart form posts to the product page, and AJAX calls
    /// between the checkout pages are no steps of their own.
    @Test func aFormPostedToAProductPageIsTheAdd() throws {
        var lines: [String] = []
        let agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"
        for visitor in 0..<120 {
            var second = visitor * 30
            func hit(_ method: String, _ target: String) {
                let time = String(format: "%02d:%02d:%02d", 10 + second / 3600, second / 60 % 60, second % 60)
                lines.append(#"10.0.0.\#(visitor) - - [02/Mar/2026:\#(time) +0100] "\#(method) \#(target) HTTP/1.1" 200 512 "-" "\#(agent)""#)
                second += 4
            }
            hit("GET", "/")
            hit("GET", "/product-category/hats/")
            hit("GET", "/product/hat-\(visitor % 9)/")
            guard visitor % 5 < 3 else { continue }
            hit("POST", "/product/hat-\(visitor % 9)/")
            hit("GET", "/cart/")
            guard visitor % 5 < 2 else { continue }
            hit("GET", "/checkout/")
            hit("POST", "/?wc-ajax=update_order_review")
            hit("POST", "/?wc-ajax=checkout")
            hit("GET", "/checkout/order-received/\(1000 + visitor)/?key=wc_order_\(visitor)")
        }
        let scratch = Scratch()
        let log = scratch.write("access.log", lines.sorted { $0.split(separator: "[")[1] < $1.split(separator: "[")[1] }.joined(separator: "\n") + "\n")
        let fitted = try FittedConfiguration.fit(Pipeline.resolveInputs([log]), options: RunOptions(inputs: [log]), presetHint: nil)
        let shop = fitted.advice.shop
        #expect(shop.steps.map(\.name) == ["product", "add to cart", "checkout", "checkout order received"])
        #expect(shop.steps.map(\.sessions) == [120, 72, 48, 48])
        #expect(shop.cartAdd?.matcher == HitMatcher(method: "POST", path: "^/product/"))
        #expect(shop.purchase?.matcher == HitMatcher(method: nil, path: "^/checkout/order-received/"))
        #expect(fitted.advice.preset == "woocommerce")
    }

    // MARK: Presets only where their shapes occur

    @Test func aPresetIsChosenOnlyWhenItsOwnShapesOccur() {
        #expect(ConfigAdvice.detectPreset([("/product/", 500), ("/filter/", 300), ("/basket/", 80)]) == "generic")
        #expect(ConfigAdvice.detectPreset([("/product/", 500), ("/product-category/", 100)]) == "woocommerce")
        #expect(ConfigAdvice.detectPreset([("/products/", 500), ("/collections/", 100)]) == "shopify")
        #expect(ConfigAdvice.detectPreset([("/catalogsearch/", 50), ("/checkout/", 100)]) == "magento")
        #expect(ConfigAdvice.detectPreset([("/customer/", 50), ("/checkout/", 100)]) == "generic")
    }
}
