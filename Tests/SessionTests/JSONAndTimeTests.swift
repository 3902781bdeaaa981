import Session
import Testing

@Suite struct JSONAndTimeTests {
    @Test func parsesWhatOthersWrite() throws {
        let value = try JSONValue(parsing: #" { "a" : [1, -2.5e1, true, null, "\u00e9\ud83d\ude00\/"] } "#)
        #expect(value["a"] == .array([.int(1), .double(-25), .bool(true), .null, .string("é😀/")]))
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "\"abc", "01x", "{\"a\":1} x", "\"\\q\""])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
    }

    @Test func reportsTheColumn() {
        do {
            _ = try JSONValue(parsing: "{\"a\": tru}")
            Issue.record("should not parse")
        } catch {
            #expect(error.column == 10)  // the "}" where "true" should go on
        }
    }

    @Test func timestampsAreISO8601UTCWithMilliseconds() throws {
        let stamp = Timestamp(millisecondsSinceEpoch: 1_740_832_496_789)
        #expect(stamp.iso8601 == "2025-03-01T12:34:56.789Z")
        #expect(stamp.compact == "20250301T123456Z")
        #expect(Timestamp(iso8601: stamp.iso8601) == stamp)
        #expect(Timestamp(iso8601: "2025-03-01T12:34:56Z")?.millisecondsSinceEpoch == 1_740_832_496_000)
        #expect(Timestamp(iso8601: "2025-03-01T12:34:56.7Z")?.millisecondsSinceEpoch == 1_740_832_496_700)
        #expect(Timestamp(iso8601: "2000-02-29T00:00:00.000Z")?.millisecondsSinceEpoch == 951_782_400_000)
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.999Z")?.millisecondsSinceEpoch == -1)
        #expect(Timestamp(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(iso8601: "2025-03-01 12:34:56Z") == nil)
        #expect(Timestamp(iso8601: "2025-13-01T12:34:56Z") == nil)
        let now = Timestamp.now
        #expect(Timestamp(iso8601: now.iso8601) == now)
    }
}
