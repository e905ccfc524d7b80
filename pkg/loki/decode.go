package loki

import (
	"fmt"
	"io"
	"strconv"
	"time"

	jsoniter "github.com/json-iterator/go"
)

// Query answers are read with json-iterator's streaming API, not through
// encoding/json's reflection: a page of 5,000 lines is a few megabytes,
// and reflection with a decoder per value read it at about 20 MB/s here,
// which made a trace's own time rival Loki's. Grafana reads Loki answers the
// same way.
var fastJSON = jsoniter.ConfigCompatibleWithStandardLibrary

// decodeStreams reads a query_range answer that must hold streams.
func decodeStreams(body []byte) ([]Entry, error) {
	it := fastJSON.BorrowIterator(body)
	defer fastJSON.ReturnIterator(it)
	var status, resultType string
	var result []byte
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "status":
			status = it.ReadString()
		case "data":
			resultType, result = readData(it)
		default:
			it.Skip()
		}
	}
	if it.Error != nil && it.Error != io.EOF {
		return nil, fmt.Errorf("decoding answer: %w: %w", ErrBadAnswer, it.Error)
	}
	if status != "success" {
		return nil, fmt.Errorf("decoding answer: status=%q: %w", status, ErrBadAnswer)
	}
	if resultType != "streams" {
		return nil, fmt.Errorf("decoding answer: resultType=%q: %w", resultType, ErrNotLogQuery)
	}
	return readStreams(result)
}

// readData reads the data object. The result is kept raw until the result
// type is known, since Loki does not promise the order of the two fields.
func readData(it *jsoniter.Iterator) (resultType string, result []byte) {
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "resultType":
			resultType = it.ReadString()
		case "result":
			result = append([]byte(nil), it.SkipAndReturnBytes()...)
		default:
			it.Skip()
		}
	}
	return resultType, result
}

func readStreams(result []byte) ([]Entry, error) {
	it := fastJSON.BorrowIterator(result)
	defer fastJSON.ReturnIterator(it)
	var out []Entry
	for it.ReadArray() {
		var labels map[string]string
		var values []Entry
		for field := it.ReadObject(); field != ""; field = it.ReadObject() {
			switch field {
			case "stream":
				labels = readStringMap(it)
			case "values":
				values = readValues(it, values)
			default:
				it.Skip()
			}
		}
		for i := range values {
			values[i].Labels = labels
		}
		out = append(out, values...)
	}
	if it.Error != nil && it.Error != io.EOF {
		return nil, fmt.Errorf("decoding streams: %w: %w", ErrBadAnswer, it.Error)
	}
	return out, nil
}

// readValues reads [ns, line] and [ns, line, {"structuredMetadata": ...,
// "parsed": ...}] entries.
func readValues(it *jsoniter.Iterator, out []Entry) []Entry {
	for it.ReadArray() {
		var e Entry
		n := 0
		for it.ReadArray() {
			switch n {
			case 0:
				ns, err := strconv.ParseInt(it.ReadString(), 10, 64)
				if err != nil {
					it.ReportError("reading timestamp", err.Error())
					return out
				}
				e.Time = time.Unix(0, ns).UTC()
			case 1:
				e.Line = it.ReadString()
			case 2:
				e.Metadata, e.Parsed = readCategories(it)
			default:
				it.ReportError("reading value", "more than three elements")
				return out
			}
			n++
		}
		if n < 2 {
			it.ReportError("reading value", "fewer than two elements")
			return out
		}
		out = append(out, e)
	}
	return out
}

func readCategories(it *jsoniter.Iterator) (metadata, parsed map[string]string) {
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		switch field {
		case "structuredMetadata":
			metadata = nonEmpty(readStringMap(it))
		case "parsed":
			parsed = nonEmpty(readStringMap(it))
		default:
			it.Skip()
		}
	}
	return metadata, parsed
}

func readStringMap(it *jsoniter.Iterator) map[string]string {
	m := map[string]string{}
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		m[field] = it.ReadString()
	}
	return m
}
