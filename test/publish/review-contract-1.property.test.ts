// Part 1 of the generated review-contract suite (see review-contract.ts); the parts run in parallel.
import { reviewContractSuite } from './review-contract.js';

reviewContractSuite(1, 2);
