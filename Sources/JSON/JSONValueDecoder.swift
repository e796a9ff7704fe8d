/// Decodes `Decodable` values from `JSONValue` trees (or JSON text).
public struct JSONValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: TreeDecoder(value: value, codingPath: []))
    }

    public func decode<T: Decodable, Bytes: Collection<UInt8>>(_ type: T.Type, from bytes: Bytes) throws -> T {
        try decode(type, from: try JSONValue.parse(bytes))
    }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(members) = value else { throw mismatch([String: Any].self, value, codingPath) }
        var index: [String: JSONValue] = [:]
        for (key, member) in members where index[key] == nil { index[key] = member }
        return KeyedDecodingContainer(KeyedDecoder<Key>(members: index, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(items) = value else { throw mismatch([Any].self, value, codingPath) }
        return UnkeyedDecoder(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleDecoder(value: value, codingPath: codingPath)
    }
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
    .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), found \(value.kind)"))
}

extension JSONValue {
    /// What kind of value this is, as messages name it.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Decodes a leaf, or a nested value through a `TreeDecoder`. The coding path is made only
/// for an error or a nested value.
private func decodeValue<T: Decodable>(_ type: T.Type, from value: JSONValue,
                                       codingPath: @autoclosure () -> [any CodingKey]) throws -> T {
    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        switch value {
        case let .int(int):
            if let exact = I(exactly: int) { return exact }
        case let .number(double):
            if let exact = I(exactly: double) { return exact }
        default:
            throw mismatch(type, value, codingPath())
        }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "\(value) does not fit \(type)"))
    }
    let leaf: Any
    switch type {
    case is Bool.Type:
        guard case let .bool(bool) = value else { throw mismatch(type, value, codingPath()) }
        leaf = bool
    case is String.Type:
        guard case let .string(string) = value else { throw mismatch(type, value, codingPath()) }
        leaf = string
    case is Double.Type, is Float.Type:
        let double: Double
        switch value {
        case let .int(int): double = Double(int)
        case let .number(number): double = number
        default: throw mismatch(type, value, codingPath())
        }
        leaf = type is Float.Type ? Float(double) as Any : double as Any
    case is Int.Type: leaf = try integer(Int.self)
    case is Int8.Type: leaf = try integer(Int8.self)
    case is Int16.Type: leaf = try integer(Int16.self)
    case is Int32.Type: leaf = try integer(Int32.self)
    case is Int64.Type: leaf = try integer(Int64.self)
    case is UInt8.Type: leaf = try integer(UInt8.self)
    case is UInt16.Type: leaf = try integer(UInt16.self)
    case is UInt32.Type: leaf = try integer(UInt32.self)
    case is UInt64.Type: leaf = try integer(UInt64.self)
    case is UInt.Type: leaf = try integer(UInt.self)
    default:
        return try T(from: TreeDecoder(value: value, codingPath: codingPath()))
    }
    // The case above matched `T` itself, so this cast holds; a mismatch is an error all the same.
    guard let decoded = leaf as? T else { throw mismatch(type, value, codingPath()) }
    return decoded
}

private struct KeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no \"\(key.stringValue)\""))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, from: try member(key), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(value: members["super"] ?? .null, codingPath: codingPath + [StringKey(stringValue: "super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: try member(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedDecoder: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "the array ended"))
        }
        defer { currentIndex += 1 }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .null = items[currentIndex] {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = currentIndex
        return try decodeValue(type, from: try next(type), codingPath: codingPath + [StringKey(intValue: index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try next([String: Any].self), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try next([Any].self), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        TreeDecoder(value: try next(Any.self), codingPath: codingPath)
    }
}

private struct SingleDecoder: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, codingPath: codingPath)
    }
}
