package io.autotopup.platform.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * All RocksDB stores of a service share one bounded piece of off-heap memory: one block cache, which also holds the
 * index and filter blocks, and the memtables counted against it (Kafka Streams' "bounded memory" recipe). By default
 * each store of each task would take its own 50 MB cache and three 16 MB memtables, so a service's memory grew with
 * its partitions and stores (balance-service has ten stores per task). Set by {@code rocksdb.config.setter}; the
 * total is {@value #TOTAL_CONFIG} in the Streams properties (bytes, default {@value #DEFAULT_TOTAL}), a quarter of it
 * for memtables.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    public static final String TOTAL_CONFIG = "autotopup.rocksdb.memory.bytes";
    public static final long DEFAULT_TOTAL = 64L * 1024 * 1024;
    private static final double INDEX_FILTER_SHARE = 0.1;
    private static final long MEMTABLE_SIZE = 4L * 1024 * 1024;
    private static final long BLOCK_SIZE = 4L * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    /** One cache and write buffer manager per JVM, made by the first store with the size it is given. */
    private static synchronized void share(long total) {
        if (cache == null) {
            cache = new LRUCache(total, -1, false, INDEX_FILTER_SHARE);
            writeBuffers = new WriteBufferManager(total / 4, cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object total = configs.get(TOTAL_CONFIG);
        share(total == null ? DEFAULT_TOTAL : Long.parseLong(total.toString()));
        BlockBasedTableConfigWithAccessibleCache table = (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setWriteBufferManager(writeBuffers);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(MEMTABLE_SIZE);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store: they live as long as the JVM
    }
}
