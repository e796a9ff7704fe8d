import Testing
@testable import LogParsing

@Suite struct ClassifierTests {
    func line(_ request: String, status: Int = 200, agent: String = "Mozilla/5.0 (X11; Linux x86_64)") -> String {
        #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "\#(request)" \#(status) 512 "-" "\#(agent)""#
    }

    @Test func eachClassInOrder() throws {
        #expect(try classify(line(#"\x16\x03\x01\x02\x00"#, status: 400)) == .invalidRequest)
        #expect(try classify(line("GET /index.html")) == .invalidRequest)  // HTTP/0.9: no protocol
        #expect(try classify(line("get / HTTP/1.1")) == .invalidRequest)
        #expect(try classify(line("GET / HTTP/1.1 extra")) == .invalidRequest)
        #expect(try classify(line("GET / HTTP/1.1", agent: "-")) == .bot)
        #expect(try classify(line("GET / HTTP/1.1", agent: "")) == .bot)
        #expect(try classify(line("GET / HTTP/1.1", agent: "Mozilla/5.0 (compatible; GoogleBOT/2.1)")) == .bot)
        #expect(try classify(line("GET /x.css HTTP/1.1", agent: "curl/8.5.0")) == .bot)  // bot before asset
        #expect(try classify(line("GET /img/Banner.PNG HTTP/1.1")) == .asset)
        #expect(try classify(line("GET /api/x.json HTTP/1.1")) == .ignored)
        #expect(try classify(line("GET /api/cart.js HTTP/1.1")) == .asset)  // asset before ignored
        #expect(try classify(line("HEAD / HTTP/1.1")) == .dropped)
        #expect(try classify(line("OPTIONS * HTTP/1.1")) == .dropped)
        #expect(try classify(line("GET /old HTTP/1.1", status: 308)) == .dropped)
        #expect(try classify(line("POST /old HTTP/1.1", status: 302)) == .action)
        #expect(try classify(line("GET /p/1 HTTP/1.1", status: 304)) == .pageView)
        #expect(try classify(line("GET /p/1 HTTP/2", status: 500)) == .pageView)
        #expect(try classify(line("PROPFIND /dav HTTP/1.1")) == .action)
    }

    @Test func extraBotTokensMatchCaseInsensitively() throws {
        #expect(try classify(line("GET / HTTP/1.1", agent: "AcmeWatch/1.23"), bots: ["acmewatch"]) == .bot)
        #expect(try classify(line("GET / HTTP/1.1", agent: "AcmeWatch/1.23")) == .pageView)
        #expect(try classify(line("GET / HTTP/1.1", agent: "ÄrgerWatch/2 (ACMEWATCH)"), bots: ["Ärgerwatch"]) == .bot)
    }

    @Test func withoutAUserAgentFieldNoLineIsABot() throws {
        #expect(try classify(#"h - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 1"#, .common) == .pageView)
    }

    @Test(arguments: [
        ("GET /p/1?x=2#f HTTP/1.1", "/p/1"), ("GET http://shop.example/p/15-item?ref=mail HTTP/1.1", "/p/15-item"),
        ("GET https://shop.example HTTP/1.1", "/"), ("GET https://shop.example?x HTTP/1.1", "/"),
        ("GET /a%2Fb HTTP/1.1", "/a%2Fb"), ("GET /p/v1.2/specs HTTP/1.1", "/p/v1.2/specs"),
    ])
    func pathsOfTargets(request: String, path: String) throws {
        var classifier = try Classifier(format: .combined, ignorePatterns: [], extraBotTokens: [])
        let (fields, bytes) = try #require(parse(line(request), .combined))
        #expect(bytes.withUnsafeBytes { classifier.classify($0, fields) } == .pageView)
        #expect(classifier.paths.string(of: classifier.pathID) == path)
    }

    @Test func assetExtensions() {
        func isAsset(_ path: String) -> Bool { Array(path.utf8).withUnsafeBytes { Classifier.isAssetPath($0) } }
        #expect(isAsset("/a/b.WOFF2"))
        #expect(isAsset("/x.min.js"))
        #expect(!isAsset("/a.css/page"))
        #expect(!isAsset("/file.pdf"))
        #expect(!isAsset("/no-extension"))
        #expect(!isAsset("/trailing."))
        #expect(!isAsset("/a.css\u{0}"))
        #expect(!isAsset("/a.cssx"))
        #expect(isAsset("/A.Woff2"))
        // Every extension of the list, in capitals too, and none of its one-letter changes
        // that is not itself on the list.
        for ext in Classifier.assetExtensions {
            #expect(isAsset("/f." + ext))
            #expect(isAsset("/f." + ext.uppercased()))
            for (index, _) in ext.enumerated() {
                var changed = Array(ext.utf8)
                changed[index] = changed[index] == UInt8(ascii: "q") ? UInt8(ascii: "z") : UInt8(ascii: "q")
                let text = String(decoding: changed, as: UTF8.self)
                #expect(isAsset("/f." + text) == Classifier.assetExtensions.contains(text))
            }
        }
    }

    @Test func aBadIgnoreRegexIsAnError() {
        #expect(throws: (any Error).self) { try Classifier(format: .combined, ignorePatterns: ["(unclosed"], extraBotTokens: []) }
    }
}

@Suite struct PathPatternTests {
    @Test(arguments: [("^/checkout/", "/checkout/"), ("^/p/", "/p/"), ("^/$", "/"), ("^/cart/?$", "/cart"),
                      ("^/a|^/b", nil), ("/products/", nil), ("^/(c|category)/", "/"), ("^/x\\.html", "/x"),
                      ("^/items*", "/item"), ("^(/a)", nil)] as [(String, String?)])
    func literalPrefixes(pattern: String, prefix: String?) {
        #expect(PathPattern.literalPrefix(of: pattern) == prefix)
    }

    @Test(arguments: [
        ("^/(c|category|collections)/", ["/c/", "/category/", "/collections/"]),
        ("^/(cart|basket)/?$", ["/cart", "/basket"]),
        ("^/(order/confirmation|thank-you)", ["/order/confirmation", "/thank-you"]),
        ("^(/a|/b)x", ["/ax", "/bx"]),
        ("^/(a|b)?/", nil), ("^/(a|b)+x", nil), ("^/(a|[bc])/", nil), ("^/(a|(b|c))/", nil), ("^/(?:a|b)/", nil),
        ("^/(a|)/", nil), ("^/(a|b)/|^/x", nil), ("/(a|b)/", nil), ("^/checkout/", nil), ("^/(a\\.b|c)", nil),
    ] as [(String, [String]?)])
    func alternativePrefixes(pattern: String, prefixes: [String]?) {
        #expect(PathPattern.alternativePrefixes(of: pattern) == prefixes)
    }

    @Test func thePrefixNeverChangesTheAnswer() throws {
        let patterns = ["^/checkout/", "^/cart/?$", "^/(c|category)/", "^/x\\.html", "^/items*", "/products/", "^/$",
                        "^/(p|product|products)/", "^/(cart|basket)/?$", "^/(order/confirmation|checkout/success|thank-you)",
                        "^/(a|b)+x", "^(/a|/b)x"]
        let paths = ["/checkout/", "/checkout", "/cart", "/cart/", "/c/hats", "/category/x", "/x.html", "/xhtml", "/item",
                     "/itemss", "/a/products/b", "/", "", "/p/1", "/product/2", "/products/", "/productsx/", "/basket",
                     "/basket/", "/basketx", "/order/confirmation/9", "/thank-you", "/checkout/success", "/ax", "/abx", "/bx"]
        for pattern in patterns {
            let compiled = try PathPattern(pattern)
            let plain = try Regex(pattern)
            for path in paths { #expect(compiled.matches(path) == path.contains(plain), "\(pattern) on \(path)") }
        }
    }
}
