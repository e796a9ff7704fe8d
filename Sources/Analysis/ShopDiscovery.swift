import Sessions

/// A step of the shop found in the logs: its matcher, named from the site's own words, and how
/// many sampled sessions reached it.
public struct ShopStep: Sendable, Equatable {
    public var role: ShopRole
    public var name: String
    public var matcher: HitMatcher
    public var sessions: Int
}

/// The shop `uxchurn init` and a run without a configuration found in the logs: the funnel in
/// the order visitors walk it, and the cart's add and purchase.
public struct ShopFunnel: Sendable {
    public var steps: [ShopStep] = []
    public var cartAdd: ShopStep?
    public var purchase: ShopStep?
    /// No add-to-cart request was seen (a GET add answered with a redirect is not a hit): viewing
    /// the cart stands for it.
    public var addIsCartView = false
    /// Sessions sampled (scanners' and too fast ones left out).
    public var sessions = 0

    /// Whether anything of a shop was found: an add to cart or an order confirmation.
    public var isRecognised: Bool { cartAdd != nil || purchase != nil }

    public init() {}
}

/// Finds a shop's product, add-to-cart, cart, checkout and confirmation requests among the
/// sampled sessions' hits, by the words of their paths and query strings (`ShopVocabulary`),
/// and counts how sessions walk them.
public struct ShopCollector: Sendable {
    struct Candidate: Sendable {
        var role: ShopRole
        var matcher: HitMatcher
        var words: [String]
        var sessions = 0
    }

    private struct Shape: Hashable {
        var path: Int32
        var query: Int32
        /// -1 for a page view, else the method's id.
        var method: Int32
    }

    private var candidates: [Candidate] = []
    private var candidateOfMatcher: [HitMatcher: Int] = [:]
    private var candidateOfShape: [Shape: Int] = [:]
    /// before[a][b]: sessions that reached candidate a before they reached b.
    private var before: [[Int]] = []
    /// For an add or cart candidate: the page views right before sessions first reached it, as
    /// product-page matchers (`^/product/`, `\.html$`), with counts.
    private var pagesBefore: [Int: [HitMatcher: Int]] = [:]
    private var sessions = 0
    /// A page's product-page matcher, by path id (nil: a shop step's page, or none).
    private var familyOfPath: [Int32: HitMatcher?] = [:]
    /// Sessions that viewed a page of each product-page matcher.
    private var familySessions: [HitMatcher: Int] = [:]
    /// Whether each regex tried so far compiles: many requests give the same one, and compiling
    /// it is most of the cost of a new request.
    private var compiled: [String: Bool] = [:]

    /// More distinct shop-like requests than this (a scanner's guesses) are not followed.
    static let candidateLimit = 256
    /// A step no fewer sessions reached (but the purchase, see `funnel()`).
    static let minimumSessions = 2

    public init() {}

    /// Adds a sampled session. `query` gives a hit's query-string id (-1: none).
    public mutating func add(_ session: Session, pathText: (Int32) -> String, queryText: (Int32) -> String,
                             methodText: (Int32) -> String, query: (Hit) -> Int32) {
        sessions += 1
        var reached: [Int] = []
        var families: [HitMatcher] = []
        var lastPage: HitMatcher?
        for hit in session.hits {
            guard hit.status < 400 else { continue }
            let family = hit.isPageView ? productMatcher(of: hit.path, pathText) : nil
            defer {
                if hit.isPageView { lastPage = family }
                if let family, !families.contains(family) { families.append(family) }
            }
            let shape = Shape(path: hit.path, query: query(hit), method: hit.isPageView ? -1 : hit.method)
            let candidate: Int
            if let known = candidateOfShape[shape] {
                candidate = known
            } else {
                candidate = candidateID(path: pathText(hit.path), query: shape.query >= 0 ? queryText(shape.query) : "",
                                        method: hit.isPageView ? nil : methodText(hit.method).uppercased())
                candidateOfShape[shape] = candidate
            }
            guard candidate >= 0, !reached.contains(candidate) else { continue }
            reached.append(candidate)
            let role = candidates[candidate].role
            if role == .add || role == .cart, let lastPage { pagesBefore[candidate, default: [:]][lastPage, default: 0] += 1 }
        }
        for family in families { familySessions[family, default: 0] += 1 }
        for (position, a) in reached.enumerated() {
            candidates[a].sessions += 1
            for b in reached[(position + 1)...] { before[a][b] += 1 }
        }
    }

    /// The product-page matcher of a page that names no shop step (`^/produkte/`, `\.html$`).
    private mutating func productMatcher(of path: Int32, _ pathText: (Int32) -> String) -> HitMatcher? {
        if let known = familyOfPath[path] { return known }
        let text = pathText(path)
        let role = Self.classify(path: text, query: "")?.role
        let matcher = role == nil || role == .product ? Self.productMatcher(text, compiles: { compiles($0) }) : nil
        familyOfPath[path] = matcher
        return matcher
    }

    /// `ConfigAdvice.compiles`, remembered.
    private mutating func compiles(_ pattern: String) -> Bool {
        if let known = compiled[pattern] { return known }
        let result = ConfigAdvice.compiles(pattern)
        compiled[pattern] = result
        return result
    }

    /// The candidate a request stands for, or -1 when it names nothing of a shop.
    private mutating func candidateID(path: String, query: String, method: String?) -> Int {
        // Every rule is written into a YAML file and compiled: a request that cannot be is no step.
        guard var found = Self.classify(path: path, query: query), ConfigAdvice.writable(found.path),
              compiles(found.path), found.query.map({ ConfigAdvice.writable($0) && compiles($0) }) ?? true
        else { return -1 }
        // A form posted to a product page puts it in the cart (WooCommerce's add-to-cart button).
        if found.role == .product, let method, method != "GET" {
            found.role = .add
            found.words = []
        }
        let matcher = HitMatcher(method: method, path: found.path, query: found.query)
        if let known = candidateOfMatcher[matcher] { return known }
        guard candidates.count < Self.candidateLimit else { return -1 }
        candidates.append(Candidate(role: found.role, matcher: matcher, words: found.words))
        for index in before.indices { before[index].append(0) }
        before.append([Int](repeating: 0, count: candidates.count))
        candidateOfMatcher[matcher] = candidates.count - 1
        return candidates.count - 1
    }

    // MARK: Reading a request

    /// What a request's path and query name: its role, the path and query regexes that match
    /// requests of its kind, and the words that name it. Nil when it names nothing of a shop.
    static func classify(path: String, query: String) -> (role: ShopRole, path: String, query: String?, words: [String])? {
        let segments = Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        var roles = Set<ShopRole>()
        var lastRoles = Set<ShopRole>()
        var firstVocabulary = -1
        var lastVocabulary = -1
        var words: [String] = []
        // The first few segments name the kind of page; later ones name the thing.
        for (index, segment) in segments.prefix(6).enumerated() where !segment.isEmpty && !ShopVocabulary.isIdentifier(segment) {
            let segmentWords = ShopVocabulary.words(withoutExtension(segment))
            if ShopVocabulary.isAccount(segmentWords) { return nil }
            guard segmentWords.count <= 3 else { continue }  // a slug: `red-leather-shopping-bag`
            var found = ShopVocabulary.roles(of: segmentWords)
            // After the product's segment come its id and name; only an add action counts there.
            if roles.contains(.product) { found = found.contains(.add) ? found : [] }
            guard !found.isEmpty else { continue }
            if firstVocabulary < 0 { firstVocabulary = index }
            lastVocabulary = index
            roles.formUnion(found)
            lastRoles = found
            words += segmentWords
            // What follows an add or an order's confirmation names the product or the order.
            if roles.contains(.purchase) || roles.isSuperset(of: [.add, .cart]) { break }
        }
        if let action = queryAction(query, pathRoles: roles) {
            // `/cart.do;jsessionid=…`: the session id is no part of the page.
            let page = path.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let pathPattern = action.anyPath ? "^/" : "^" + ConfigAdvice.regexEscape(String(page)) + "(;|$)"
            let named = action.words.count > 0 ? action.words : words
            return (action.role, pathPattern, action.pattern, named)
        }
        guard lastVocabulary >= 0, let role = resolve(roles, last: lastRoles) else { return nil }
        let lastSegment = segments.lastIndex { !$0.isEmpty } ?? -1
        // A product word with nothing after it is a list of products, not one.
        if role == .product, lastVocabulary == lastSegment, query.isEmpty { return nil }
        // A last word after the cart's names the page (`/basket/view`), unless it names a thing.
        if role != .product, lastVocabulary + 1 == lastSegment, !ShopVocabulary.isIdentifier(segments[lastSegment]) {
            let next = ShopVocabulary.words(withoutExtension(segments[lastSegment]))
            if next.count <= 3 {
                lastVocabulary = lastSegment
                words += next
            }
        }
        var pattern = "^"
        for (index, segment) in segments[0...lastVocabulary].enumerated() {
            let literal = index <= firstVocabulary || index == lastVocabulary
                || !ShopVocabulary.roles(of: ShopVocabulary.words(withoutExtension(segment))).isEmpty
            pattern += "/" + (literal && !ShopVocabulary.isIdentifier(segment) ? ConfigAdvice.regexEscape(String(segment)) : segment.isEmpty ? "[^/]*" : "[^/]+")
        }
        pattern += lastVocabulary == lastSegment ? "/?$" : "/"
        return (role, pattern, nil, words)
    }

    /// The role of a request whose segments name `roles`, the last of them `last`.
    private static func resolve(_ roles: Set<ShopRole>, last: Set<ShopRole>) -> ShopRole? {
        if roles.contains(.purchase) { return .purchase }
        if roles.contains(.add), roles.contains(.cart) { return .add }
        if last.contains(.checkout) { return .checkout }
        if last.contains(.cart) { return .cart }
        if last.contains(.product) { return .product }
        return nil
    }

    /// A shop action named in the query string: a key (`?add-to-cart=12`, any path) or an
    /// action key's value (`/cart.do?action=addtocart`, that path).
    private static func queryAction(_ query: String, pathRoles: Set<ShopRole>)
        -> (role: ShopRole, pattern: String, anyPath: Bool, words: [String])? {
        guard !query.isEmpty else { return nil }
        var inherited: (role: ShopRole, pattern: String, anyPath: Bool, words: [String])?
        for parameter in query.split(separator: "&") {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0]
            let value = parts.count > 1 ? parts[1] : ""
            let keyWords = ShopVocabulary.words(key)
            let keyRoles = ShopVocabulary.roles(of: keyWords)
            if keyRoles.contains(.add), keyRoles.contains(.cart) {
                return (.add, "(^|&)" + ConfigAdvice.regexEscape(String(key)) + "=", true, keyWords)
            }
            guard ShopVocabulary.actionKeys.contains(keyWords.joined()), !value.isEmpty, value.count <= 40 else { continue }
            let valueWords = ShopVocabulary.words(value)
            let ownRoles = ShopVocabulary.roles(of: valueWords)
            var valueRoles = ownRoles
            if pathRoles.contains(.cart) { valueRoles.insert(.cart) }
            // `action=view` on the cart's path is the cart page, unless another action names more.
            guard let role = resolve(valueRoles, last: ownRoles.isEmpty ? pathRoles : valueRoles) else { continue }
            let pattern = "(^|&)" + ConfigAdvice.regexEscape(String(key)) + "=" + ConfigAdvice.regexEscape(String(value)) + "(&|$)"
            if !ownRoles.isEmpty { return (role, pattern, false, valueWords) }
            if inherited == nil { inherited = (role, pattern, false, valueWords) }
        }
        return inherited
    }

    /// `cart.do` → `cart`; `product.screen` → `product` (an extension is no word of the site's).
    private static func withoutExtension(_ segment: Substring) -> Substring {
        guard let dot = segment.lastIndex(of: "."), dot != segment.startIndex,
              segment.distance(from: dot, to: segment.endIndex) <= 7 else { return segment }
        return segment[..<dot]
    }

    /// The product-page matcher a page before an add stands for: its first segment as a
    /// folder (`^/produkte/`), or its extension (`\.html$`).
    static func productMatcher(_ path: String, compiles: (String) -> Bool) -> HitMatcher? {
        let family = AdviceCollector.family(of: path)
        if family.hasSuffix("/"), family != "/", ConfigAdvice.writable(family), compiles("^" + ConfigAdvice.regexEscape(family)) {
            return HitMatcher(method: nil, path: "^" + ConfigAdvice.regexEscape(family))
        }
        let last = path.split(separator: "/").last ?? ""
        if let dot = last.lastIndex(of: "."), last.index(after: dot) < last.endIndex {
            let ext = last[last.index(after: dot)...]
            if ext.count <= 5, ext.allSatisfy({ $0.isASCII && $0.isLetter }) { return HitMatcher(method: nil, path: "\\.\(ext)$") }
        }
        return nil
    }

    // MARK: The funnel

    /// The shop the sampled sessions walk: the most reached product, add-to-cart, checkout and
    /// purchase requests, checkout steps and the purchase kept only when sessions mostly reach
    /// them after the add, all in the order sessions walk them.
    public func funnel() -> ShopFunnel {
        var result = ShopFunnel()
        result.sessions = sessions
        // One variant per role, path and query: the page view or the action sessions reach more.
        var kept: [Int] = []
        for index in candidates.indices where candidates[index].sessions > 0 {
            let same = candidates.indices.filter {
                candidates[$0].role == candidates[index].role && candidates[$0].matcher.path == candidates[index].matcher.path
                    && candidates[$0].matcher.query == candidates[index].matcher.query
            }
            let best = same.max { a, b in
                candidates[a].sessions != candidates[b].sessions ? candidates[a].sessions < candidates[b].sessions : a > b
            }
            if best == index { kept.append(index) }
        }
        func ranked(_ role: ShopRole, least: Int = Self.minimumSessions) -> [Int] {
            kept.filter { candidates[$0].role == role && candidates[$0].sessions >= least }.sorted { a, b in
                candidates[a].sessions != candidates[b].sessions ? candidates[a].sessions > candidates[b].sessions : a < b
            }
        }
        /// Sessions mostly reach `a` before `b`.
        func precedes(_ a: Int, _ b: Int) -> Bool { before[a][b] > before[b][a] }

        // The add; without one, viewing the cart stands for it.
        let add = ranked(.add).first ?? ranked(.cart).first { candidates[$0].matcher.method == nil }
        var product = ranked(.product).first { candidate in add.map { !precedes($0, candidate) } ?? true }
        var fallbackProduct: ShopStep?
        if product == nil, let add, let pages = pagesBefore[add] {
            let top = pages.max { a, b in a.value != b.value ? a.value < b.value : a.key.path > b.key.path }
            if let top, top.value >= Self.minimumSessions, Double(top.value) >= 0.3 * Double(candidates[add].sessions) {
                fallbackProduct = ShopStep(role: .product, name: "product", matcher: top.key, sessions: familySessions[top.key] ?? top.value)
            }
        }
        if product != nil, product == add { product = nil }
        var checkouts = ranked(.checkout)
        if let add { checkouts = checkouts.filter { precedes(add, $0) } }
        // Pages a visitor sees, rather than the calls and forms between them, when there are any.
        if checkouts.contains(where: { candidates[$0].matcher.method == nil }) {
            checkouts.removeAll { candidates[$0].matcher.method != nil }
        }
        if let top = checkouts.first {
            let least = max(Self.minimumSessions, candidates[top].sessions / 5)
            checkouts = Array(checkouts.filter { candidates[$0].sessions >= least }.prefix(3))
        }
        // One order placed after an add is enough to know the confirmation page; without an
        // add, it takes two sessions, as every other step does.
        let purchase = add.flatMap { add in ranked(.purchase, least: 1).first { precedes(add, $0) } }
            ?? (add == nil ? ranked(.purchase).first : nil)

        var chosen = [product, add].compactMap { $0 } + checkouts + [purchase].compactMap { $0 }
        // In the order sessions walk them: a step before more of the others comes first.
        let score = Dictionary(chosen.map { a in (a, chosen.filter { $0 != a && precedes(a, $0) }.count) }, uniquingKeysWith: max)
        chosen.sort { a, b in
            let (sa, sb) = (score[a] ?? 0, score[b] ?? 0)
            if sa != sb { return sa > sb }
            return candidates[a].role != candidates[b].role ? candidates[a].role < candidates[b].role : a < b
        }
        var names = Set<String>()
        func step(_ index: Int) -> ShopStep {
            let candidate = candidates[index]
            let role: ShopRole = index == add ? .add : candidate.role
            var name = Self.name(candidate.words, role: role)
            if names.contains(name) {
                var suffix = 2
                while names.contains("\(name) \(suffix)") { suffix += 1 }
                name = "\(name) \(suffix)"
            }
            names.insert(name)
            return ShopStep(role: role, name: name, matcher: candidate.matcher, sessions: candidate.sessions)
        }
        if let fallbackProduct {
            names.insert(fallbackProduct.name)
            result.steps.append(fallbackProduct)
        }
        result.steps += chosen.map(step)
        if result.steps.count < 2 { result.steps = [] }
        result.addIsCartView = add.map { candidates[$0].role == .cart } ?? false
        result.cartAdd = add.map { index in result.steps.first { $0.matcher == candidates[index].matcher } ?? step(index) }
        result.purchase = purchase.map { index in result.steps.first { $0.matcher == candidates[index].matcher } ?? step(index) }
        return result
    }

    /// A step's name from the site's words (`basket add`, `addtocart`), or the role's when they
    /// are too short to say anything (`/p/`).
    static func name(_ words: [String], role: ShopRole) -> String {
        let text = words.joined(separator: " ")
        guard text.count >= 3, text.count <= 40, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " }) else {
            return role.defaultName
        }
        return text
    }
}
