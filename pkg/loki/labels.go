package loki

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// Labels returns the label names Loki knows in [start, end). A zero bound
// is left to Loki, whose default range is the last 6 hours. Loki's own
// service_name is among them.
func (c *Client) Labels(ctx context.Context, start, end time.Time) ([]string, error) {
	body, err := c.do(ctx, call{
		op: "labels", path: "/loki/api/v1/labels", params: rangeParams(start, end),
	})
	if err != nil {
		return nil, fmt.Errorf("listing labels: %w", err)
	}
	names, err := decodeStrings(body)
	if err != nil {
		return nil, fmt.Errorf("listing labels: %w", err)
	}
	return names, nil
}

// LabelValues returns the values of the label name in [start, end), of the
// streams selector matches ("" = all streams). Zero bounds are left to Loki,
// as for [Client.Labels]. The name must be a LogQL label name
// ([ErrBadLabelName]), since it goes into the URL path.
func (c *Client) LabelValues(
	ctx context.Context, name string, start, end time.Time, selector string,
) ([]string, error) {
	if !validLabelName(name) {
		return nil, fmt.Errorf("listing label values: name=%q: %w", name, ErrBadLabelName)
	}
	params := rangeParams(start, end)
	if selector != "" {
		params.Set("query", selector)
	}
	body, err := c.do(ctx, call{
		op: "label_values", path: "/loki/api/v1/label/" + name + "/values",
		params: params, post: false,
	})
	if err != nil {
		return nil, fmt.Errorf("listing label values: name=%s: %w", name, err)
	}
	values, err := decodeStrings(body)
	if err != nil {
		return nil, fmt.Errorf("listing label values: name=%s: %w", name, err)
	}
	return values, nil
}

// rangeParams sends the bounds that are set, as integer nanoseconds.
func rangeParams(start, end time.Time) url.Values {
	params := url.Values{}
	if !start.IsZero() {
		params.Set("start", fmt.Sprint(start.UnixNano()))
	}
	if !end.IsZero() {
		params.Set("end", fmt.Sprint(end.UnixNano()))
	}
	return params
}
