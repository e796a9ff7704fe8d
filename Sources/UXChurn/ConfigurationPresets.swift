import Reports

/// The built-in configurations, each a commented YAML file.
public enum ConfigurationPresets {
    public static let names = ["generic", "woocommerce", "magento", "shopify"]

    public static func named(_ name: String) -> String? {
        switch name {
        case "generic": return generic
        case "woocommerce": return woocommerce
        case "magento": return magento
        case "shopify": return shopify
        default: return nil
        }
    }

    /// Writes a preset; refuses to replace an existing file unless asked.
    public static func write(_ text: String, to path: String, replacing: Bool) throws(RunError) {
        if fileExists(path), !replacing { throw .configuration("\(path) exists; use --force to replace it") }
        do {
            try writeFile(path, Array(text.utf8))
        } catch {
            throw .configuration("\(error)")
        }
    }

    /// WooCommerce (WordPress): the add-to-cart form posts to the product page.
    public static let woocommerce = """
    # uxchurn configuration: the WooCommerce preset.
    # Every key is described in uxchurn's docs/configuration.md (man uxchurn says where it is installed). Paths are matched without their query string, so
    # `?add-to-cart=` links are seen as views of the page they point to; the add-to-cart form
    # and the AJAX call are POSTs, which the cart and funnel matchers below count.
    session:
      timeout: 30m
      key: [ip, user_agent]
    ignore: ['^/wp-admin/', '^/wp-json/', '^/wp-login\\.php$', '^/wp-cron\\.php$', '^/xmlrpc\\.php$', '^/feed/']
    pages:
      - {name: home, path: '^/$'}
      - {name: category, path: '^/product-category/'}
      - {name: product, path: '^/product/'}
      - {name: search, path: '^/(\\?s=|search/)'}
      - {name: cart, path: '^/cart/?$'}
      - {name: checkout, path: '^/checkout/?$'}
      - {name: confirmation, path: '^/checkout/order-received/'}
      - {name: account, path: '^/my-account/'}
    cart:
      add: {method: POST, path: '^/(product/|$)'}
      purchase: {path: '^/checkout/order-received/'}
    funnels:
      - name: checkout
        steps:
          - {name: product, path: '^/product/'}
          - {name: add to cart, method: POST, path: '^/(product/|$)'}
          - {name: checkout, path: '^/checkout/?$'}
          - {name: purchase, path: '^/checkout/order-received/'}
    load:
      apdex_t: 500ms
    churn:
      inactive_days: 30

    """

    /// Magento 2: `.html` product and category URLs, the cart under `/checkout/cart/`.
    public static let magento = """
    # uxchurn configuration: the Magento 2 preset.
    # Every key is described in uxchurn's docs/configuration.md (man uxchurn says where it is installed). Magento's product and category URLs both end in
    # .html; list your category paths under `category` so that products are told apart.
    session:
      timeout: 30m
      key: [ip, user_agent]
    ignore: ['^/static/', '^/media/', '^/rest/', '^/customer/section/load', '^/admin']
    pages:
      - {name: home, path: '^/$'}
      - {name: search, path: '^/catalogsearch/'}
      - {name: cart, path: '^/checkout/cart/?$'}
      - {name: confirmation, path: '^/checkout/onepage/success'}
      - {name: checkout, path: '^/checkout/?$'}
      - {name: account, path: '^/customer/'}
      - {name: product, path: '\\.html$'}
    cart:
      add: {method: POST, path: '^/checkout/cart/add/'}
      purchase: {path: '^/checkout/onepage/success'}
    funnels:
      - name: checkout
        steps:
          - {name: product, path: '\\.html$'}
          - {name: add to cart, method: POST, path: '^/checkout/cart/add/'}
          - {name: checkout, path: '^/checkout/?$'}
          - {name: purchase, path: '^/checkout/onepage/success'}
    load:
      apdex_t: 500ms
    churn:
      inactive_days: 30

    """

    /// Shopify: `/products/`, `/collections/`, POST `/cart/add`, `/checkouts/…/thank_you`.
    public static let shopify = """
    # uxchurn configuration: the Shopify preset.
    # Every key is described in uxchurn's docs/configuration.md (man uxchurn says where it is installed). Shopify's AJAX `/cart/add.js` ends in .js and so
    # counts as an asset request; the form POST to /cart/add is what counts here.
    session:
      timeout: 30m
      key: [ip, user_agent]
    ignore: ['^/cdn/', '^/api/', '^/cart\\.js$', '^/recommendations/']
    pages:
      - {name: home, path: '^/$'}
      - {name: category, path: '^/collections/[^/]+/?$'}
      - {name: product, path: '/products/'}
      - {name: search, path: '^/search'}
      - {name: cart, path: '^/cart/?$'}
      - {name: confirmation, path: '/thank_you'}
      - {name: checkout, path: '^/checkouts/'}
      - {name: account, path: '^/account'}
    cart:
      add: {method: POST, path: '^/cart/add'}
      purchase: {path: '/thank_you'}
    funnels:
      - name: checkout
        steps:
          - {name: product, path: '/products/'}
          - {name: add to cart, method: POST, path: '^/cart/add'}
          - {name: checkout, path: '^/checkouts/'}
          - {name: purchase, path: '/thank_you'}
    load:
      apdex_t: 500ms
    churn:
      inactive_days: 30

    """

    /// The zero-configuration default: common shop URL shapes.
    public static let generic = """
    # uxchurn configuration: the generic preset (common shop URL shapes).
    # Every key is described in uxchurn's docs/configuration.md (man uxchurn says where it is installed); edit the regexes to fit your shop's URLs.
    session:
      timeout: 30m            # inactivity that ends a session
      key: [ip, user_agent]   # or [cookie:NAME] / [user] when the log has them
    ignore: ['^/api/', '^/healthz$', '^/wp-admin/', '^/wp-json/']
    pages:
      - {name: home, path: '^/$'}
      - {name: category, path: '^/(c|category|categories|collections)/'}
      - {name: product, path: '^/(p|product|products)/'}
      - {name: search, path: '^/search'}
      - {name: cart, path: '^/(cart|basket)/?$'}
      - {name: checkout, path: '^/checkout'}
      - {name: confirmation, path: '^/(order/confirmation|checkout/success|thank-you)'}
      - {name: account, path: '^/(account|login|register)'}
    cart:
      add: {method: POST, path: '^/(cart|basket)/add'}
      purchase: {path: '^/(order/confirmation|checkout/success|thank-you)'}
    funnels:
      - name: checkout
        steps:
          - {name: product, path: '^/(p|product|products)/'}
          - {name: add to cart, method: POST, path: '^/(cart|basket)/add'}
          - {name: checkout, path: '^/checkout/?$'}
          - {name: purchase, path: '^/(order/confirmation|checkout/success|thank-you)'}
    load:
      apdex_t: 500ms
    churn:
      inactive_days: 30

    """
}
