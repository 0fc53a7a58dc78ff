// Part 2 of the generated review-contract suite (see review-contract.ts); the parts run in parallel.
import { reviewContractSuite } from './review-contract.js';

reviewContractSuite(2, 2);
