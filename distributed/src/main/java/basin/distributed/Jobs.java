package basin.distributed;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.Iterator;

/**
 * A Spark job whose partitions' results come back to this machine one partition at a time, as each
 * task succeeds, rather than all at the end ({@code collect}): {@code SparkContext.runJob} with a
 * result handler. Spark calls the handler once per partition, with the result of the one attempt
 * that succeeded; the results of a failed or lost attempt never reach it, so a partition's work is
 * neither lost (it is retried, up to {@code spark.task.maxFailures}) nor counted twice.
 */
final class Jobs {
    private Jobs() {
    }

    /** A partition's work, run on an executor: its items in, one result out. */
    @FunctionalInterface
    interface PartitionTask<T, U> extends Serializable {
        U run(TaskContext context, Iterator<T> items) throws Exception;
    }

    /** Receives each partition's result on this machine, from Spark's scheduler thread. */
    @FunctionalInterface
    interface ResultHandler<U> {
        void accept(int partition, U result);
    }

    /** Runs {@code task} over every partition of {@code rdd} and hands each result to {@code handler}. */
    static <T, U> void run(JavaSparkContext spark, JavaRDD<T> rdd, PartitionTask<T, U> task, Class<U> resultClass, ResultHandler<U> handler) {
        ClassTag<U> tag = ClassTag$.MODULE$.apply(resultClass);
        spark.sc().runJob(rdd.rdd(), new TaskFunction<>(task), new HandlerFunction<>(handler), tag);
    }

    /** The task as the Scala function Spark serialises to the executors. */
    private static final class TaskFunction<T, U> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, U> implements Serializable {
        private final PartitionTask<T, U> task;

        TaskFunction(PartitionTask<T, U> task) {
            this.task = task;
        }

        @Override
        public U apply(TaskContext context, scala.collection.Iterator<T> items) {
            try {
                return task.run(context, JavaConverters.asJavaIterator(items));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    /** The handler as the Scala function the scheduler calls; it stays on this machine. */
    private static final class HandlerFunction<U> extends AbstractFunction2<Object, U, BoxedUnit> implements Serializable {
        private final transient ResultHandler<U> handler;

        HandlerFunction(ResultHandler<U> handler) {
            this.handler = handler;
        }

        @Override
        public BoxedUnit apply(Object partition, U result) {
            handler.accept((Integer) partition, result);
            return BoxedUnit.UNIT;
        }
    }
}
