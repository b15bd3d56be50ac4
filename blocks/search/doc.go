// Package search is hyperparameter search for blocks: a space of Uniform, LogUniform, Int and
// Choice parameters, random search or TPE (hyperopt's Tree-structured Parzen Estimator), optional
// pruning of weak trials (median, as Optuna's MedianPruner, or asynchronous successive halving),
// a seed for reproducibility, and trials run in parallel, each in a worker process of its own.
//
//	func Transform(ctx *blocks.Context, train, val *frame.Frame) (*ml.Bundle, error) {
//		res, err := search.Run(ctx, search.Options{
//			Space: []search.Param{
//				search.LogUniform("learning_rate", 0.02, 0.3),
//				search.Int("max_depth", 3, 10),
//			},
//			Trials: ctx.Int("trials", 20), Parallel: 2, Seed: 1,
//			Metric: "val_rmse", Pruner: search.Median,
//		})
//		if err != nil {
//			return nil, err
//		}
//		// train the final model with res.Float("learning_rate"), res.Int("max_depth") ...
//	}
//
//	// Trial runs once per trial, in its own worker process, with the block's inputs; the trial's
//	// parameters are variables: ctx.Float("learning_rate", 0.1).
//	func Trial(ctx *blocks.Context, train, val *frame.Frame) (float64, error) { ... }
//
// Every trial is an entry of the run (golem experiments, the editor's Experiments page) whose
// parent is the block's entry.
package search
