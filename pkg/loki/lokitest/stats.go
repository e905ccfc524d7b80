package lokitest

import "time"

// scanned counts what a query read, for its stats.
type scanned struct {
	lines, bytes, metaBytes, kept int
}

func (s *scanned) add(e stored) {
	s.lines++
	s.bytes += len(e.line)
	s.metaBytes += len(e.meta.Bytes(nil)) // not Loki's measure, only a plausible one
}

// stats mirrors the key layout of Loki 3.7's query statistics (fixture 01). The
// fake fills the summary and the ingester counts plausibly; the rest stays zero.
type stats struct {
	Summary  summaryStats  `json:"summary"`
	Querier  querierStats  `json:"querier"`
	Ingester ingesterStats `json:"ingester"`
	Cache    cacheStats    `json:"cache"`
	Index    indexStats    `json:"index"`
}

type summaryStats struct {
	BytesProcessedPerSecond int     `json:"bytesProcessedPerSecond"`
	LinesProcessedPerSecond int     `json:"linesProcessedPerSecond"`
	TotalBytesProcessed     int     `json:"totalBytesProcessed"`
	TotalLinesProcessed     int     `json:"totalLinesProcessed"`
	ExecTime                float64 `json:"execTime"`
	QueueTime               float64 `json:"queueTime"`
	Subqueries              int     `json:"subqueries"`
	TotalEntriesReturned    int     `json:"totalEntriesReturned"`
	Splits                  int     `json:"splits"`
	Shards                  int     `json:"shards"`
	TotalPostFilterLines    int     `json:"totalPostFilterLines"`
	TotalMetaBytes          int     `json:"totalStructuredMetadataBytesProcessed"`
}

type querierStats struct {
	Store           storeStats `json:"store"`
	QuerierExecTime float64    `json:"querierExecTime"`
}

type ingesterStats struct {
	TotalReached       int        `json:"totalReached"`
	TotalChunksMatched int        `json:"totalChunksMatched"`
	TotalBatches       int        `json:"totalBatches"`
	TotalLinesSent     int        `json:"totalLinesSent"`
	Store              storeStats `json:"store"`
	RecvWaitTime       float64    `json:"recvWaitTime"`
}

type storeStats struct {
	TotalChunksRef               int          `json:"totalChunksRef"`
	TotalChunksDownloaded        int          `json:"totalChunksDownloaded"`
	ChunksDownloadTime           int          `json:"chunksDownloadTime"`
	QueryReferencedMeta          bool         `json:"queryReferencedStructuredMetadata"`
	QueryUsedV2Engine            bool         `json:"queryUsedV2Engine"`
	Chunk                        chunkStats   `json:"chunk"`
	ChunkRefsFetchTime           int          `json:"chunkRefsFetchTime"`
	CongestionControlLatency     int          `json:"congestionControlLatency"`
	PipelineWrapperFilteredLines int          `json:"pipelineWrapperFilteredLines"`
	Dataobj                      dataobjStats `json:"dataobj"`
}

type chunkStats struct {
	HeadChunkBytes        int `json:"headChunkBytes"`
	HeadChunkLines        int `json:"headChunkLines"`
	DecompressedBytes     int `json:"decompressedBytes"`
	DecompressedLines     int `json:"decompressedLines"`
	CompressedBytes       int `json:"compressedBytes"`
	TotalDuplicates       int `json:"totalDuplicates"`
	PostFilterLines       int `json:"postFilterLines"`
	HeadMetaBytes         int `json:"headChunkStructuredMetadataBytes"`
	DecompressedMetaBytes int `json:"decompressedStructuredMetadataBytes"`
}

type dataobjStats struct {
	PreRows               int `json:"prePredicateDecompressedRows"`
	PreBytes              int `json:"prePredicateDecompressedBytes"`
	PreMetaBytes          int `json:"prePredicateDecompressedStructuredMetadataBytes"`
	PostRows              int `json:"postPredicateRows"`
	PostBytes             int `json:"postPredicateDecompressedBytes"`
	PostMetaBytes         int `json:"postPredicateStructuredMetadataBytes"`
	PostFilterRows        int `json:"postFilterRows"`
	PagesScanned          int `json:"pagesScanned"`
	PagesDownloaded       int `json:"pagesDownloaded"`
	PagesDownloadedBytes  int `json:"pagesDownloadedBytes"`
	PageBatches           int `json:"pageBatches"`
	TotalRowsAvailable    int `json:"totalRowsAvailable"`
	TotalPageDownloadTime int `json:"totalPageDownloadTime"`
	WireBytesTransferred  int `json:"wireBytesTransferred"`
}

type cacheStats struct {
	Chunk               cacheEntry `json:"chunk"`
	Index               cacheEntry `json:"index"`
	Result              cacheEntry `json:"result"`
	StatsResult         cacheEntry `json:"statsResult"`
	VolumeResult        cacheEntry `json:"volumeResult"`
	SeriesResult        cacheEntry `json:"seriesResult"`
	LabelResult         cacheEntry `json:"labelResult"`
	InstantMetricResult cacheEntry `json:"instantMetricResult"`
	LogResult           cacheEntry `json:"logResult"`
	TaskResult          cacheEntry `json:"taskResult"`
}

type cacheEntry struct {
	EntriesFound      int `json:"entriesFound"`
	EntriesRequested  int `json:"entriesRequested"`
	EntriesStored     int `json:"entriesStored"`
	BytesReceived     int `json:"bytesReceived"`
	BytesSent         int `json:"bytesSent"`
	Requests          int `json:"requests"`
	DownloadTime      int `json:"downloadTime"`
	QueryLengthServed int `json:"queryLengthServed"`
}

type indexStats struct {
	TotalChunks         int  `json:"totalChunks"`
	PostFilterChunks    int  `json:"postFilterChunks"`
	ShardsDuration      int  `json:"shardsDuration"`
	UsedBloomFilters    bool `json:"usedBloomFilters"`
	TotalStreams        int  `json:"totalStreams"`
	ChunkRefsLookupTime int  `json:"chunkRefsLookupTime"`
	BloomFilterTime     int  `json:"bloomFilterTime"`
}

// newStats fills the counts a client may read: lines and bytes scanned, entries
// returned and the time taken, as if everything sat in one ingester's head chunks.
func newStats(scan scanned, returned int, took time.Duration) stats {
	sec := max(took.Seconds(), 1e-6)
	chunk := chunkStats{
		HeadChunkBytes:  scan.bytes,
		HeadChunkLines:  scan.lines,
		PostFilterLines: scan.kept,
		HeadMetaBytes:   scan.metaBytes,
	}

	return stats{
		Summary: summaryStats{
			BytesProcessedPerSecond: int(float64(scan.bytes) / sec),
			LinesProcessedPerSecond: int(float64(scan.lines) / sec),
			TotalBytesProcessed:     scan.bytes,
			TotalLinesProcessed:     scan.lines,
			ExecTime:                took.Seconds(),
			Shards:                  1,
			TotalEntriesReturned:    returned,
			TotalPostFilterLines:    scan.kept,
			TotalMetaBytes:          scan.metaBytes,
		},
		Querier: querierStats{QuerierExecTime: took.Seconds()},
		Ingester: ingesterStats{
			TotalReached:   1,
			TotalBatches:   1,
			TotalLinesSent: returned,
			Store:          storeStats{Chunk: chunk},
		},
	}
}
