/**
 * Models to fine-tune with NanoAdam: {@link dev.nanoadam.models.Transformer} (a BERT-style
 * encoder classifier that accepts the all-MiniLM-L6-v2 architecture and Hugging Face parameter
 * names) and {@link dev.nanoadam.models.ResNet} (a small-image BasicBlock ResNet with torchvision
 * names). Each is a {@link dev.nanoadam.models.Classifier} that computes its own exact gradients
 * and hands its parameters over in the two groups of SPEC.md §1.
 */
package dev.nanoadam.models;
