/// The built-in configurations, each a commented YAML file.
public enum ConfigurationPresets {
    /// The zero-configuration default: common shop URL shapes.
    public static let generic = """
    # uxchurn configuration: the generic preset (common shop URL shapes).
    # Every key is described in SPEC.md §3; edit the regexes to fit your shop's URLs.
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
