package io.opsrouter.ingest;

import io.opsrouter.testing.RouterHarness;

class PoisonBatchH2Test extends PoisonBatchContract {
    @Override
    RouterHarness withStore(RouterHarness router) {
        return router;
    }
}
