/// The words shops name their product, cart, checkout and order-confirmation URLs with, in the
/// languages shops are written in and the transliterations they use: how `uxchurn init` and a
/// run without a configuration recognise a shop from its own paths.
public enum ShopRole: Int, Sendable, Comparable, CaseIterable {
    case product, add, cart, checkout, purchase

    public static func < (a: ShopRole, b: ShopRole) -> Bool { a.rawValue < b.rawValue }

    /// The step's name when the site's own words give none.
    var defaultName: String {
        switch self {
        case .product: return "product"
        case .add: return "add to cart"
        case .cart: return "cart"
        case .checkout: return "checkout"
        case .purchase: return "purchase"
        }
    }
}

enum ShopVocabulary {
    /// Words of a product page's path (`/product/123`, `/produkt/…`, `/product.screen?productId=`).
    static let product: Set<String> = [
        "p", "product", "products", "produkt", "produkte", "produit", "produits", "producto", "productos", "prodotto",
        "prodotti", "produto", "produtos", "artikel", "article", "articulo", "artículo", "item", "items", "urun", "ürün",
        "tovar", "товар", "товары", "produkty", "termek", "termék", "tuote", "vare", "dp", "goods", "sku",
        "محصول", "商品", "产品", "상품",
    ]
    /// Words of the cart: the page and the add request (`/basket/add/55839`, `/cart.do`).
    static let cart: Set<String> = [
        "cart", "carts", "basket", "bag", "trolley", "shoppingcart", "shoppingbag", "minicart", "warenkorb",
        "einkaufswagen", "panier", "carrito", "cesta", "carrello", "carrinho", "sacola", "winkelwagen", "winkelmand",
        "koszyk", "kosik", "košík", "kosar", "kosár", "cos", "coș", "sepet", "корзина", "korzina", "korzinka",
        "varukorg", "handlekurv", "indkobskurv", "indkøbskurv", "ostoskori", "keranjang", "giohang", "sabad",
        "سبد", "カート", "购物车", "장바구니", "kundvagn", "kurv",
    ]
    /// Words of an add-to-cart request (with a cart word beside them, or as a compound).
    static let add: Set<String> = [
        "add", "additem", "addtocart", "addtobasket", "addtobag", "ajouter", "ajout", "agregar", "anadir", "añadir",
        "aggiungi", "aggiungere", "toevoegen", "hinzufuegen", "hinzufügen", "dodaj", "dodat", "pridat", "přidat",
        "ekle", "добавить", "dobavit", "adicionar", "lisaa", "lisää", "tilfoj", "tilføj", "leggtil", "lagg", "lägg",
    ]
    /// Words of checkout steps: checkout, payment, shipping, the order form.
    static let checkout: Set<String> = [
        "checkout", "checkouts", "kasse", "kassa", "kassan", "caisse", "commande", "commander", "pago", "pagar",
        "pagamento", "payment", "payments", "pay", "zahlung", "bezahlen", "bestellen", "bestellung", "order",
        "afrekenen", "zamowienie", "zamówienie", "objednavka", "objednávka", "odeme", "ödeme", "siparis", "sipariş",
        "оформление", "оформить", "заказ", "oformlenie", "zakaz", "shipping", "versand", "livraison", "envio",
        "envío", "spedizione", "verzending", "dostawa", "doprava", "kargo", "доставка", "dostavka", "billing",
        "onepage", "confirm", "kassza", "pokladna", "finalizar", "tilaus", "kassen", "betaling",
        "checkoutstep", "shippingaddress", "paymentmethod", "تسویه",
    ]
    /// Words of the page after an order is placed.
    static let purchase: Set<String> = [
        "success", "successful", "thankyou", "thanks", "thank", "confirmation", "confirmed", "complete", "completed",
        "received", "orderreceived", "ordercomplete", "ordersuccess", "purchase", "purchased", "receipt", "finish",
        "finished", "danke", "dankeschoen", "merci", "gracias", "grazie", "obrigado", "bedankt", "dziekujemy",
        "dziękujemy", "dekujeme", "děkujeme", "tesekkurler", "teşekkürler", "tesekkur", "spasibo", "спасибо",
        "bestaetigung", "bestätigung", "bestatigung", "confirmacion", "confirmación", "conferma", "bevestiging",
        "potwierdzenie", "potvrzeni", "potvrzení", "onay", "kiitos", "tack", "takk",
        "ありがとう", "感谢",
    ]
    /// Words of account pages: their order lists and baskets are not the shop's funnel.
    static let account: Set<String> = [
        "account", "myaccount", "konto", "compte", "cuenta", "conta", "profile", "profil", "wishlist", "login",
        "admin", "wpadmin", "logout",
    ]
    /// Words of pages that list products: beside a product word, they make no product page
    /// (`/product-category/hats/`).
    static let listing: Set<String> = [
        "category", "categories", "kategorie", "kategorien", "categorie", "categoria", "categorias",
        "kategoria", "kategori", "collection", "collections", "catalog", "catalogue", "katalog", "tag", "tags", "brand",
        "brands", "filter", "search", "list", "listing", "compare", "reviews",
    ]
    /// Query keys whose value names an action (`/cart.do?action=addtocart`).
    static let actionKeys: Set<String> = [
        "action", "act", "a", "do", "op", "cmd", "command", "mode", "step", "task", "event", "method", "wcajax",
        "route", "view", "function", "fn", "page", "controller",
    ]

    /// The cart words long enough to end a compound (`shoppingcart`, `einkaufswagen`), counted once.
    private static let compoundCartWords = cart.filter { $0.count >= 4 }

    /// The roles a segment's or a query value's words name.
    static func roles(of words: [String]) -> Set<ShopRole> {
        var roles = Set<ShopRole>()
        let compound = words.joined()
        for word in words + (words.count > 1 ? [compound] : []) {
            if product.contains(word), !words.contains(where: listing.contains) { roles.insert(.product) }
            if cart.contains(word) { roles.insert(.cart) }
            if add.contains(word) { roles.insert(.add) }
            if checkout.contains(word) { roles.insert(.checkout) }
            if purchase.contains(word) { roles.insert(.purchase) }
        }
        // Compounds written as one word: `addtocart`, `shoppingcart`, `thankyou`.
        if compound.hasPrefix("addto") || compound.hasPrefix("add2") { roles.formUnion([.add, .cart]) }
        if compoundCartWords.contains(where: { compound.hasSuffix($0) && compound.count > $0.count }) { roles.insert(.cart) }
        return roles
    }

    static func isAccount(_ words: [String]) -> Bool {
        words.contains { account.contains($0) } || account.contains(words.joined())
    }

    /// A segment's words: percent-decoded, split at anything not a letter or digit and where
    /// a lower-case letter meets a capital (`storeShippingAddress`), lower-cased.
    static func words(_ text: Substring) -> [String] {
        let decoded = percentDecoded(text)
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in decoded {
            guard character.isLetter || character.isNumber else {
                if !current.isEmpty { words.append(current.lowercased()) }
                current = ""
                previousLower = false
                continue
            }
            if character.isUppercase, previousLower, !current.isEmpty {
                words.append(current.lowercased())
                current = ""
            }
            current.append(character)
            previousLower = character.isLowercase
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }

    /// `%D0%BA…` → `к…`; `+` stays; a malformed escape is kept as written.
    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let high = hexValue(utf8[utf8.startIndex]),
               let low = hexValue(utf8[utf8.startIndex + 1]) {
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A segment that names one thing rather than a kind of page: digits with no letter, a long
    /// hexadecimal or mixed token (`c1a2b3d4e5f6`, a UUID).
    static func isIdentifier(_ text: Substring) -> Bool {
        let segment = percentDecoded(text)
        guard segment.contains(where: \.isNumber) else { return false }
        if !segment.contains(where: \.isLetter) { return true }
        let hex = segment.allSatisfy { $0.isHexDigit || $0 == "-" }
        return (hex && segment.count >= 8) || (segment.count >= 16 && !segment.contains("-") && !segment.contains("_"))
    }
}
